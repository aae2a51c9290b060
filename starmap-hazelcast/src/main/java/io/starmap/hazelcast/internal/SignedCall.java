package io.starmap.hazelcast.internal;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.core.HazelcastInstanceAware;
import com.hazelcast.nio.ObjectDataInput;
import com.hazelcast.nio.ObjectDataOutput;
import com.hazelcast.nio.serialization.DataSerializableFactory;
import com.hazelcast.nio.serialization.IdentifiedDataSerializable;
import java.io.IOException;
import java.util.concurrent.Callable;

/**
 * The only thing the master sends to members: a kind, the master's version, a session and a
 * counter, and a body. The body of a {@link #HELLO} is the master's challenge; the body of every
 * other call is encrypted and authenticated with the session's key (AES-GCM, bound to the kind,
 * call id, version, session and counter), so that a member without the cluster secret reads
 * nothing and a member refuses any call it did not get from a master holding the secret, or got
 * already. It is {@link IdentifiedDataSerializable}, so Hazelcast reads it field by field without
 * Java serialization. The member's answer is a {@code byte[]} in the format of {@link Reply}.
 */
public final class SignedCall implements Callable<byte[]>, IdentifiedDataSerializable,
    HazelcastInstanceAware {
  /** Hazelcast's id of Starmap's serializable types. */
  public static final int FACTORY_ID = 0x53746d70;
  static final int CLASS_ID = 1;
  /** Runs a task. */
  public static final byte TASK = 1;
  /** Reports the member's status. */
  public static final byte STATUS = 2;
  /** Opens a session: the master's challenge, which the member answers with its proof. */
  public static final byte HELLO = 3;

  private byte kind;
  private String callId;
  private String version;
  private String session;
  private long counter;
  private byte[] body;
  private transient HazelcastInstance instance;

  /** For Hazelcast's factory. */
  public SignedCall() {}

  /**
   * A call.
   *
   * @param kind {@link #TASK}, {@link #STATUS} or {@link #HELLO}
   * @param callId identifies one dispatch of a task: the member runs a call id once, and a
   *     repeated call (after the master lost its connection) waits for the first one's reply
   * @param version the master's Starmap version
   * @param session the session's id ({@code ""} for a {@link #HELLO})
   * @param counter the call's number in its session, never used twice
   * @param body the challenge of a {@link #HELLO}, else the encrypted request
   */
  public SignedCall(byte kind, String callId, String version, String session, long counter,
      byte[] body) {
    this.kind = kind;
    this.callId = callId;
    this.version = version;
    this.session = session;
    this.counter = counter;
    this.body = body;
  }

  /**
   * A call whose request is encrypted with {@code session}'s key for the member.
   *
   * @param kind {@link #TASK} or {@link #STATUS}
   * @param callId the call id
   * @param version the master's Starmap version
   * @param session the master's session with the member
   * @param plain the serialized request
   */
  public static SignedCall sealed(byte kind, String callId, String version,
      Handshake.Session session, byte[] plain) {
    long counter = session.nextCounter();
    byte[] aad = ClusterCrypto.aad("call", kind, callId, version, session.id(), counter);
    return new SignedCall(kind, callId, version, session.id(), counter,
        ClusterCrypto.seal(session.keys().toMember(), counter, aad, plain));
  }

  byte[] aad() {
    return ClusterCrypto.aad("call", kind, callId, version, session, counter);
  }

  byte kind() {
    return kind;
  }

  String callId() {
    return callId;
  }

  String version() {
    return version;
  }

  String session() {
    return session;
  }

  long counter() {
    return counter;
  }

  byte[] body() {
    return body;
  }

  @Override
  public byte[] call() {
    MemberRuntime runtime = instance == null ? null : MemberRuntime.of(instance);
    if (runtime == null) {
      return Reply.refused("this member runs no Starmap worker (it is not a Starmap member, or it"
          + " is shutting down)");
    }
    com.hazelcast.cluster.Member self = instance.getCluster().getLocalMember();
    return runtime.handle(this, self.getUuid() + "|" + self.getAddress().getHost() + ":"
        + self.getAddress().getPort());
  }

  @Override
  public void setHazelcastInstance(HazelcastInstance hazelcastInstance) {
    this.instance = hazelcastInstance;
  }

  @Override
  public int getFactoryId() {
    return FACTORY_ID;
  }

  @Override
  public int getClassId() {
    return CLASS_ID;
  }

  @Override
  public void writeData(ObjectDataOutput out) throws IOException {
    out.writeByte(kind);
    out.writeString(callId);
    out.writeString(version);
    out.writeString(session);
    out.writeLong(counter);
    out.writeByteArray(body);
  }

  @Override
  public void readData(ObjectDataInput in) throws IOException {
    kind = in.readByte();
    callId = in.readString();
    version = in.readString();
    session = in.readString();
    counter = in.readLong();
    body = in.readByteArray();
  }

  /** Creates Starmap's serializable types for Hazelcast. */
  public static final class Factory implements DataSerializableFactory {
    @Override
    public IdentifiedDataSerializable create(int typeId) {
      return typeId == CLASS_ID ? new SignedCall() : null;
    }
  }
}
