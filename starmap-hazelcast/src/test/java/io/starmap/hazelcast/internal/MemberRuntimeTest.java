package io.starmap.hazelcast.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.starmap.core.Idempotent;
import io.starmap.core.Task;
import io.starmap.core.TaskContext;
import io.starmap.core.spi.TaskReply;
import io.starmap.core.spi.TaskRequest;
import io.starmap.core.RemoteTaskException;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Level;
import org.junit.jupiter.api.Test;

/**
 * The member's checks, in this JVM: handshake, encryption, replays, version, allow-list,
 * exceptions, call ids.
 */
class MemberRuntimeTest {
  private static final String SECRET = "the-cluster-secret";
  private final MemberRuntime member = new MemberRuntime(SECRET, List.of(), "1.0", "host:1", 2);
  private static final String SELF = UUID.randomUUID() + "|127.0.0.1:5701";
  private final ClusterCrypto crypto = new ClusterCrypto(SECRET);
  private final Handshake.Session session = handshake(member, crypto, SELF);
  static final AtomicInteger RUNS = new AtomicInteger();

  /** Counts its runs in this JVM. */
  static final class Count implements Task<Integer, Integer>, Idempotent {
    private static final long serialVersionUID = 1L;

    @Override
    public Integer call(Integer x, TaskContext<Integer> ctx) {
      RUNS.incrementAndGet();
      return x + 1;
    }
  }

  /** Throws an exception the master's allow-list does not accept. */
  static final class Odd implements Task<Integer, Integer> {
    private static final long serialVersionUID = 1L;

    @Override
    public Integer call(Integer x, TaskContext<Integer> ctx) {
      return fail();
    }

    private static int fail() {
      throw new UnusualException("unusual " + Level.SEVERE);
    }
  }

  /** Lives outside the default allow-list (and is not serializable to the master). */
  static final class UnusualException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final transient Object notSent = new Object();

    UnusualException(String message) {
      super(message);
    }

    private Object writeReplace() throws java.io.ObjectStreamException {
      throw new java.io.NotSerializableException("UnusualException " + notSent);
    }
  }

  /** The master's side of a handshake with {@code runtime}, which is {@code self}. */
  static Handshake.Session handshake(MemberRuntime runtime, ClusterCrypto master, String self) {
    byte[] challenge = Handshake.challenge();
    Reply r = Reply.parse(runtime.handle(new SignedCall(SignedCall.HELLO, Handshake.CALL_ID,
        "1.0", "", 0, challenge), self));
    assertThat(r.refusal()).isNull();
    return Handshake.verify(master, challenge, r.helloAnswer(), self, "1.0");
  }

  private byte[] call(String callId, String version, Object payload, Handshake.Session in)
      throws Exception {
    return member.handle(SignedCall.sealed(SignedCall.TASK, callId, version, in,
        Wire.serialize(payload)), SELF);
  }

  private Object read(byte[] answer, String callId) throws Exception {
    byte[] plain = Reply.parse(answer).open(session, SignedCall.TASK, callId, "1.0");
    assertThat(plain).as("the reply decrypts").isNotNull();
    return Wire.deserialize(plain, Wire.filter(List.of()));
  }

  private static TaskRequest<Integer, Integer> request(Task<Integer, Integer> task, int x) {
    return new TaskRequest<>("run", "t", x, task, x, 1.0);
  }

  @Test
  void runsATaskOfItsSessionAndEncryptsTheReplyForThisCallOnly() throws Exception {
    byte[] answer = call("a", "1.0", request(new Count(), 41), session);
    TaskReply reply = (TaskReply) read(answer, "a");
    assertThat(reply.value()).isEqualTo(42);
    assertThat(reply.metrics().workerId()).isEqualTo("host:1");
    assertThat(Reply.parse(answer).open(session, SignedCall.TASK, "another-call", "1.0"))
        .as("the reply of call a read as the reply of another call").isNull();
  }

  @Test
  void aProofIsGoodForItsChallengeItsMemberAndTheSecretOnly() {
    byte[] challenge = Handshake.challenge();
    byte[] answer = Reply.parse(member.handle(new SignedCall(SignedCall.HELLO, Handshake.CALL_ID,
        "1.0", "", 0, challenge), SELF)).helloAnswer();
    assertThat(Handshake.verify(crypto, challenge, answer, SELF, "1.0")).isNotNull();
    assertThat(Handshake.verify(crypto, Handshake.challenge(), answer, SELF, "1.0"))
        .as("the answer to another challenge").isNull();
    assertThat(Handshake.verify(crypto, challenge, answer,
        UUID.randomUUID() + "|127.0.0.1:5702", "1.0")).as("relayed by another member").isNull();
    assertThat(Handshake.verify(new ClusterCrypto("not-the-secret"), challenge, answer, SELF,
        "1.0")).as("checked with another secret").isNull();
  }

  @Test
  void refusesACallSealedWithAnotherSecretBeforeReadingIt() throws Exception {
    int before = RUNS.get();
    ClusterCrypto other = new ClusterCrypto("not-the-secret");
    Handshake.Session forged = new Handshake.Session(session.id(),
        other.session(Handshake.challenge(), Handshake.challenge(), SELF), "host:1", 2,
        new java.util.concurrent.atomic.AtomicLong());
    Reply r = Reply.parse(call("b", "1.0", request(new Count(), 1), forged));
    assertThat(r.refusal()).contains("does not decrypt");
    assertThat(RUNS.get()).isEqualTo(before);
  }

  @Test
  void aReplayedCallIsRefusedUnrunEvenAfterItsReplyWasForgotten() throws Exception {
    SignedCall captured = SignedCall.sealed(SignedCall.TASK, "r", "1.0", session,
        Wire.serialize(request(new Count(), 1)));
    assertThat(Reply.parse(member.handle(captured, SELF)).refusal()).isNull();
    int before = RUNS.get();
    assertThat(Reply.parse(member.handle(captured, SELF)).refusal()).contains("used before");
    // Far more calls than the window later, the captured one is still refused.
    for (int i = 0; i < MemberSessions.WINDOW + 10; i++) {
      session.nextCounter();
    }
    member.handle(SignedCall.sealed(SignedCall.STATUS, "s", "1.0", session, new byte[0]), SELF);
    assertThat(Reply.parse(member.handle(captured, SELF)).refusal()).contains("used before");
    assertThat(RUNS.get()).isEqualTo(before);
  }

  @Test
  void aCallOfAnUnknownSessionIsRefused() throws Exception {
    Handshake.Session unknown = new Handshake.Session("no-such-session", session.keys(),
        "host:1", 2, new java.util.concurrent.atomic.AtomicLong());
    assertThat(Reply.parse(call("u", "1.0", request(new Count(), 1), unknown)).refusal())
        .contains("session it does not know");
  }

  @Test
  void hkdfMatchesRfc5869TestCase1() {
    java.util.HexFormat hex = java.util.HexFormat.of();
    byte[] okm = ClusterCrypto.hkdf(hex.parseHex("000102030405060708090a0b0c"),
        hex.parseHex("0b".repeat(22)), hex.parseHex("f0f1f2f3f4f5f6f7f8f9"), 42);
    assertThat(hex.formatHex(okm)).isEqualTo("3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c"
        + "5db02d56ecc4c5bf34007208d5b887185865");
  }

  @Test
  void refusesAMasterOfAnotherVersion() throws Exception {
    assertThat(Reply.parse(call("c", "2.0", request(new Count(), 1), session)).refusal())
        .contains("runs Starmap 1.0").contains("runs Starmap 2.0");
  }

  @Test
  void refusesAClassOutsideTheAllowListAndSaysHowToAllowIt() throws Exception {
    // Signed, so it gets as far as the allow-list: java.util.logging is not in it.
    TaskRequest<Object, Object> r = new TaskRequest<>("run", "t", 1,
        (Task<Object, Object>) (a, c) -> a, Level.INFO, 1.0);
    assertThat(Reply.parse(call("d", "1.0", r, session)).refusal())
        .contains("class java.util.logging.Level is not in the deserialization allow-list")
        .contains("--allow 'java.util.logging.**'");
    MemberRuntime allowing = new MemberRuntime(SECRET, List.of("java.util.logging.Level"), "1.0",
        "host:1", 1);
    Handshake.Session s = handshake(allowing, crypto, SELF);
    Reply ok = Reply.parse(allowing.handle(SignedCall.sealed(SignedCall.TASK, "e", "1.0", s,
        Wire.serialize(r)), SELF));
    assertThat(ok.refusal()).isNull();
  }

  @Test
  void anExceptionThatCannotTravelIsCopiedWithItsClassMessageAndStackTrace() throws Exception {
    TaskReply reply = (TaskReply) read(call("f", "1.0", request(new Odd(), 1), session), "f");
    assertThat(reply.error()).isInstanceOf(RemoteTaskException.class)
        .hasMessageStartingWith(UnusualException.class.getName() + ": unusual SEVERE (sent as a"
            + " copy: it cannot be serialized (UnusualException java.lang.Object@");
    assertThat(((RemoteTaskException) reply.error()).originalClassName())
        .isEqualTo(UnusualException.class.getName());
    assertThat(reply.error().getStackTrace()).anySatisfy(f -> {
      assertThat(f.getClassName()).isEqualTo(Odd.class.getName());
      assertThat(f.getMethodName()).isEqualTo("fail");
    });
  }

  @Test
  void aRepeatedCallIdGetsTheFirstReplyWithoutRunningAgain() throws Exception {
    int before = RUNS.get();
    byte[] first = call("same", "1.0", request(new Count(), 1), session);
    byte[] second = call("same", "1.0", request(new Count(), 1), session);
    assertThat(second).isEqualTo(first);
    assertThat(RUNS.get()).isEqualTo(before + 1);
  }

  @Test
  void aTamperedPayloadIsRefused() throws Exception {
    SignedCall good = SignedCall.sealed(SignedCall.TASK, "g", "1.0", session,
        Wire.serialize(request(new Count(), 1)));
    byte[] body = good.body();
    body[body.length - 1] ^= 1;
    assertThat(Reply.parse(member.handle(good, SELF)).refusal()).contains("does not decrypt");
  }

  @Test
  void theFilterRejectsGadgetPackagesAndNamesTheClass() throws Exception {
    byte[] bytes = Wire.serialize(new java.util.HashMap<>(java.util.Map.of("k", Level.INFO)));
    assertThatThrownBy(() -> Wire.deserialize(bytes, Wire.filter(List.of())))
        .isInstanceOf(Wire.RejectedClassException.class)
        .hasMessageContaining("java.util.logging.Level");
    assertThat(Wire.deserialize(Wire.serialize(new int[] {1, 2}), Wire.filter(List.of())))
        .isEqualTo(new int[] {1, 2});
  }
}
