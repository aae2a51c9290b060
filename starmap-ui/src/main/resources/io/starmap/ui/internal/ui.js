// The pages of starmap ui: they read the server's event streams and build their tables with
// textContent (never from text as HTML); only the report's charts and tables, escaped by the
// server, are inserted as HTML.
'use strict';

function el(tag, text, cls) {
  const e = document.createElement(tag);
  if (text !== undefined && text !== null) e.textContent = String(text);
  if (cls) e.className = cls;
  return e;
}

function seconds(s) {
  if (s === null || s === undefined) return '';
  if (s >= 3600) return Math.floor(s / 3600) + 'h' + Math.floor(s % 3600 / 60) + 'm';
  if (s >= 60) return Math.floor(s / 60) + 'm' + Math.floor(s % 60) + 's';
  return s.toFixed(1) + 's';
}

function rate(r) {
  return r >= 100 ? Math.round(r).toLocaleString('en') : r.toPrecision(3);
}

function connect(url, event, handle) {
  const conn = document.getElementById('conn');
  const source = new EventSource(url);
  source.addEventListener(event, e => {
    conn.textContent = 'live';
    conn.className = 'conn live';
    handle(JSON.parse(e.data));
  });
  source.addEventListener('gone', () => {
    conn.textContent = 'deleted';
    source.close();
  });
  source.onerror = () => {
    conn.textContent = 'reconnecting';
    conn.className = 'conn lost';
  };
  return source;
}

function say(text, error) {
  const m = document.getElementById('message');
  m.textContent = text;
  m.className = error ? 'error' : '';
}

// An action asks to be confirmed in the page, then POSTs (same origin: the server checks it)
function action(cell, id, what) {
  const b = el('button', what, 'act-' + what);
  b.addEventListener('click', () => {
    const box = el('span', what + ' calculation ' + id + '? ', 'confirm');
    const yes = el('button', 'yes, ' + what, 'confirm-' + what);
    const no = el('button', 'no');
    box.append(yes, no);
    b.replaceWith(box);
    no.addEventListener('click', () => box.replaceWith(b));
    yes.addEventListener('click', async () => {
      yes.disabled = true;
      try {
        const r = await fetch('/api/calc/' + id + '/' + what,
          {method: 'POST', credentials: 'same-origin'});
        const body = await r.json();
        say(body.message, !body.ok);
      } catch (e) {
        say(what + ' failed: ' + e, true);
      }
      box.replaceWith(b);
    });
  });
  cell.append(b);
}

function calcsPage() {
  document.title = 'Starmap calculations';
  let source = null;
  const status = document.getElementById('status');
  const q = document.getElementById('q');
  const start = () => {
    if (source) source.close();
    const params = new URLSearchParams({status: status.value, q: q.value});
    source = connect('/events/calcs?' + params, 'calcs', showCalcs);
  };
  document.getElementById('filter').addEventListener('submit', e => e.preventDefault());
  status.addEventListener('change', start);
  let typing = null;
  q.addEventListener('input', () => {
    clearTimeout(typing);
    typing = setTimeout(start, 250);
  });
  start();
}

function showCalcs(data) {
  const body = document.querySelector('#calcs tbody');
  const rows = data.calcs.map(c => {
    const tr = el('tr');
    tr.id = 'calc-' + c.id;
    tr.dataset.status = c.status;
    const link = el('a', c.id);
    link.href = '/calc/' + c.id;
    const idCell = el('td', null, 'n');
    idCell.append(link);
    const st = el('td');
    st.append(el('span', c.status, 'status ' + c.status));
    tr.append(idCell, st, el('td', c.kind), el('td', c.description),
      el('td', c.start.replace('T', ' ').replace(/\.\d+Z$|Z$/, '')),
      el('td', seconds(c.duration), 'n'), el('td', c.progress, 'progress'),
      el('td', c.peak, 'n'), el('td', c.user));
    const acts = el('td', null, 'actions');
    if (c.status === 'executing' || c.status === 'created') action(acts, c.id, 'abort');
    else action(acts, c.id, 'delete');
    tr.append(acts);
    return tr;
  });
  body.replaceChildren(...rows);
  document.getElementById('empty').hidden = rows.length > 0;
}

function calcPage() {
  const id = location.pathname.split('/').pop();
  document.getElementById('cid').textContent = id;
  document.title = 'Starmap calculation ' + id;
  const source = connect('/events/calc/' + id, 'calc', c => showCalc(c, source));
}

function showCalc(c, source) {
  const st = document.getElementById('status');
  st.textContent = c.status;
  st.className = 'status ' + c.status;
  document.getElementById('desc').textContent = c.description;
  const facts = document.getElementById('facts');
  const fact = (t, v) => {
    const d = el('div');
    d.append(el('dt', t), el('dd', v));
    return d;
  };
  facts.replaceChildren(fact('kind', c.kind), fact('started', c.start),
    fact('duration', seconds(c.duration)), fact('tasks', c.tasks),
    fact('executor', (c.executor || '?') + ' \u00d7 ' + c.workers),
    fact('peak memory', c.peak), fact('host', c.user + '@' + c.host + ' pid ' + c.pid));
  document.querySelector('#runs tbody').replaceChildren(...c.runs.map(r => {
    const tr = el('tr');
    const bar = el('td', null, 'progress');
    const b = el('span', null, 'bar');
    const fill = el('i');
    fill.style.width = (r.percent === null ? 0 : r.percent) + '%';
    b.append(fill);
    bar.append(b, r.percent === null ? '' : Math.floor(r.percent) + '%');
    tr.append(el('td', r.run, 'n'), el('td', r.task), el('td', r.status), bar,
      el('td', r.done + (r.expected > 0 ? ' of ' + r.expected : ''), 'n'),
      el('td', r.failed, 'n'), el('td', rate(r.rate) + ' tasks/s', 'n'),
      el('td', r.eta === null ? '' : seconds(r.eta), 'n'));
    return tr;
  }));
  document.getElementById('rates').textContent = c.rates.map(r =>
    r.operation + ': ' + r.counts.toLocaleString('en') + ' (' + rate(r.perSecond) + '/s)')
    .join(' \u00b7 ');
  // the report's parts, drawn and escaped by the server
  document.getElementById('timeline').innerHTML = c.timeline;
  document.getElementById('memory').innerHTML = c.memory;
  document.getElementById('tables').innerHTML = c.tables;
  document.getElementById('log').textContent = c.log.join('\n');
  if (c.ended) ended(c, source);
}

function ended(c, source) {
  source.close();
  document.getElementById('conn').textContent = 'ended';
  const links = [['report.html?download=1', 'HTML report'], ['trace.json',
    'task timeline (Chrome trace: Perfetto, chrome://tracing)']];
  if (c.hdf5) links.unshift(['hdf5', 'calc_' + c.id + '.hdf5']);
  if (c.rejects) links.push(['rejects', 'rejected rows']);
  document.getElementById('downloads').replaceChildren(...links.map(([path, text]) => {
    const li = el('li');
    const a = el('a', text);
    a.href = '/download/' + c.id + '/' + path;
    li.append(a);
    return li;
  }));
  document.getElementById('done').hidden = false;
  const frame = document.getElementById('report');
  if (!frame.src) frame.src = '/download/' + c.id + '/report.html';
  document.getElementById('report-section').hidden = false;
}

if (document.body.dataset.page === 'calcs') calcsPage();
else calcPage();
