package io.starmap.hazelcast.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.starmap.core.Idempotent;
import io.starmap.core.Task;
import io.starmap.core.TaskContext;
import io.starmap.core.spi.TaskReply;
import io.starmap.core.spi.TaskRequest;
import io.starmap.hazelcast.RemoteTaskException;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Level;
import org.junit.jupiter.api.Test;

/** The member's checks, in this JVM: signature, version, allow-list, exceptions, call ids. */
class MemberRuntimeTest {
  private static final String SECRET = "the-cluster-secret";
  private final MemberRuntime member = new MemberRuntime(SECRET, List.of(), "1.0", "host:1", 2);
  private final Wire.Signer signer = new Wire.Signer(SECRET);
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

  private byte[] call(String callId, String version, Object payload, Wire.Signer by)
      throws Exception {
    return member.handle(new SignedCall(SignedCall.TASK, callId, version, Wire.serialize(payload),
        by));
  }

  private static TaskRequest<Integer, Integer> request(Task<Integer, Integer> task, int x) {
    return new TaskRequest<>("run", "t", x, task, x, 1.0);
  }

  @Test
  void runsASignedTaskAndSignsTheReply() throws Exception {
    Reply r = Reply.parse(call("a", "1.0", request(new Count(), 41), signer));
    assertThat(r.refusal()).isNull();
    assertThat(r.verifiedBy(signer)).isTrue();
    assertThat(r.verifiedBy(new Wire.Signer("another-secret"))).isFalse();
    TaskReply reply = (TaskReply) r.read(Wire.filter(List.of()));
    assertThat(reply.value()).isEqualTo(42);
    assertThat(reply.metrics().workerId()).isEqualTo("host:1");
  }

  @Test
  void refusesACallSignedWithAnotherSecretBeforeReadingIt() throws Exception {
    int before = RUNS.get();
    Reply r = Reply.parse(call("b", "1.0", request(new Count(), 1),
        new Wire.Signer("not-the-secret")));
    assertThat(r.refusal()).contains("signature does not match its cluster secret");
    assertThat(RUNS.get()).isEqualTo(before);
  }

  @Test
  void refusesAMasterOfAnotherVersion() throws Exception {
    assertThat(Reply.parse(call("c", "2.0", request(new Count(), 1), signer)).refusal())
        .contains("runs Starmap 1.0").contains("runs Starmap 2.0");
  }

  @Test
  void refusesAClassOutsideTheAllowListAndSaysHowToAllowIt() throws Exception {
    // Signed, so it gets as far as the allow-list: java.util.logging is not in it.
    TaskRequest<Object, Object> r = new TaskRequest<>("run", "t", 1,
        (Task<Object, Object>) (a, c) -> a, Level.INFO, 1.0);
    assertThat(Reply.parse(call("d", "1.0", r, signer)).refusal())
        .contains("class java.util.logging.Level is not in the deserialization allow-list")
        .contains("--allow 'java.util.logging.**'");
    MemberRuntime allowing = new MemberRuntime(SECRET, List.of("java.util.logging.Level"), "1.0",
        "host:1", 1);
    Reply ok = Reply.parse(allowing.handle(new SignedCall(SignedCall.TASK, "e", "1.0",
        Wire.serialize(r), signer)));
    assertThat(ok.refusal()).isNull();
  }

  @Test
  void anExceptionThatCannotTravelIsCopiedWithItsClassMessageAndStackTrace() throws Exception {
    Reply r = Reply.parse(call("f", "1.0", request(new Odd(), 1), signer));
    TaskReply reply = (TaskReply) r.read(Wire.filter(List.of()));
    assertThat(reply.error()).isInstanceOf(RemoteTaskException.class)
        .hasMessage(UnusualException.class.getName() + ": unusual SEVERE");
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
    byte[] first = call("same", "1.0", request(new Count(), 1), signer);
    byte[] second = call("same", "1.0", request(new Count(), 1), signer);
    assertThat(second).isEqualTo(first);
    assertThat(RUNS.get()).isEqualTo(before + 1);
  }

  @Test
  void aTamperedPayloadIsRefused() throws Exception {
    SignedCall good = new SignedCall(SignedCall.TASK, "g", "1.0",
        Wire.serialize(request(new Count(), 1)), signer);
    byte[] payload = good.payload();
    payload[payload.length - 1] ^= 1;
    assertThat(Reply.parse(member.handle(good)).refusal()).contains("signature does not match");
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
