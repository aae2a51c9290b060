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
 * The only thing the master sends to members: a kind, the master's version, an opaque payload
 * and its signature. It is {@link IdentifiedDataSerializable}, so Hazelcast reads it field by
 * field without Java serialization; the payload is only deserialised by the member after the
 * signature checks out. The member's answer is a {@code byte[]} in the format of {@link Reply}.
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

  private byte kind;
  private String callId;
  private String version;
  private byte[] payload;
  private byte[] signature;
  private transient HazelcastInstance instance;

  /** For Hazelcast's factory. */
  public SignedCall() {}

  /**
   * A call signed with {@code signer}.
   *
   * @param kind {@link #TASK} or {@link #STATUS}
   * @param callId identifies one dispatch of a task: the member runs a call id once, and a
   *     repeated call (after the master lost its connection) waits for the first one's reply
   * @param version the master's Starmap version
   * @param payload the serialized request
   * @param signer the signer of the cluster secret
   */
  public SignedCall(byte kind, String callId, String version, byte[] payload,
      Wire.Signer signer) {
    this.kind = kind;
    this.callId = callId;
    this.version = version;
    this.payload = payload;
    this.signature = signer.sign(signedParts());
  }

  byte[][] signedParts() {
    return new byte[][] {{kind}, Wire.utf8(callId), Wire.utf8(version), payload};
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

  byte[] payload() {
    return payload;
  }

  byte[] signature() {
    return signature;
  }

  @Override
  public byte[] call() {
    MemberRuntime runtime = instance == null ? null : MemberRuntime.of(instance);
    if (runtime == null) {
      return Reply.refused("this member runs no Starmap worker (it is not a Starmap member, or it"
          + " is shutting down)");
    }
    return runtime.handle(this);
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
    out.writeByteArray(payload);
    out.writeByteArray(signature);
  }

  @Override
  public void readData(ObjectDataInput in) throws IOException {
    kind = in.readByte();
    callId = in.readString();
    version = in.readString();
    payload = in.readByteArray();
    signature = in.readByteArray();
  }

  /** Creates Starmap's serializable types for Hazelcast. */
  public static final class Factory implements DataSerializableFactory {
    @Override
    public IdentifiedDataSerializable create(int typeId) {
      return typeId == CLASS_ID ? new SignedCall() : null;
    }
  }
}
