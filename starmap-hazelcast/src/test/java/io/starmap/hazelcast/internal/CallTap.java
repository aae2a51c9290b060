package io.starmap.hazelcast.internal;

import com.hazelcast.cluster.Member;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.core.HazelcastInstanceAware;
import com.hazelcast.nio.ObjectDataInput;
import com.hazelcast.nio.ObjectDataOutput;
import com.hazelcast.nio.serialization.DataSerializableFactory;
import com.hazelcast.nio.serialization.IdentifiedDataSerializable;
import com.hazelcast.spi.impl.SerializationServiceSupport;
import java.io.IOException;
import java.util.Queue;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;

/**
 * Registered in a member's Hazelcast configuration in place of Starmap's factory, it records
 * every call the member receives, as Hazelcast read it off the network. On a genuine member it
 * then hands the call to Starmap as usual (a tap on the wire); on a rogue member it plays the
 * attacker: it relays what it cannot answer to a genuine member and forges task replies.
 */
public final class CallTap implements Callable<byte[]>, IdentifiedDataSerializable,
    HazelcastInstanceAware {
  /** Which side the tap is on. */
  public enum Role { GENUINE, ROGUE }

  /** The calls genuine members received. */
  public static final Queue<CallTap> GENUINE = new ConcurrentLinkedQueue<>();
  /** The calls rogue members received. */
  public static final Queue<CallTap> ROGUE = new ConcurrentLinkedQueue<>();

  private final Role role;
  private final SignedCall call;
  private transient HazelcastInstance instance;
  private volatile byte[] wire;

  private CallTap(Role role, SignedCall call) {
    this.role = role;
    this.call = call;
  }

  /** The factory to register under {@link SignedCall#FACTORY_ID}. */
  public static DataSerializableFactory factory(Role role) {
    return type -> type == SignedCall.CLASS_ID ? new CallTap(role, new SignedCall()) : null;
  }

  /** Whether the call asks to run a task. */
  public boolean isTask() {
    return call.kind() == SignedCall.TASK;
  }

  /** The call as it travels, serialized by Hazelcast. */
  public byte[] wire() {
    return wire;
  }

  /**
   * Sends this very call again, from {@code from} to {@code to}, and returns the answer.
   */
  public byte[] sendAgain(HazelcastInstance from, Member to) throws Exception {
    return from.getExecutorService(HazelcastSetup.STATUS_EXECUTOR)
        .submitToMember(new CallTap(Role.ROGUE, call), to).get(30, TimeUnit.SECONDS);
  }

  @Override
  public byte[] call() throws Exception {
    wire = ((SerializationServiceSupport) instance).getSerializationService().toData(this)
        .toByteArray();
    if (role == Role.GENUINE) {
      call.setHazelcastInstance(instance);
      return call.call();
    }
    if (isTask()) {
      byte[] forged = new byte[96];
      new java.util.Random(42).nextBytes(forged);
      forged[0] = 0;
      return forged;
    }
    Member genuine = instance.getCluster().getMembers().stream()
        .filter(m -> !m.localMember()).findFirst().orElseThrow();
    return sendAgain(instance, genuine);
  }

  @Override
  public void setHazelcastInstance(HazelcastInstance hazelcastInstance) {
    this.instance = hazelcastInstance;
  }

  @Override
  public int getFactoryId() {
    return SignedCall.FACTORY_ID;
  }

  @Override
  public int getClassId() {
    return SignedCall.CLASS_ID;
  }

  @Override
  public void writeData(ObjectDataOutput out) throws IOException {
    call.writeData(out);
  }

  @Override
  public void readData(ObjectDataInput in) throws IOException {
    call.readData(in);
    (role == Role.GENUINE ? GENUINE : ROGUE).add(this);
  }
}
