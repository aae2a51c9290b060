package io.starmap.core.internal.process;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.starmap.core.RemoteTaskException;
import io.starmap.core.StarmapException;
import io.starmap.core.Task;
import io.starmap.core.TaskContext;
import java.io.ByteArrayOutputStream;
import java.io.ObjectOutputStream;
import java.io.Serializable;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JavaSerializationCodecTest {
  private final JavaSerializationCodec codec = new JavaSerializationCodec(List.of());

  record Settings(String name, int[] sizes) implements Serializable {}

  @Test
  void roundTripsJdkValuesRecordsArraysAndCollections() {
    Map<String, Object> map = new HashMap<>();
    map.put("list", List.of(1, 2L, 3.0, "four", LocalDate.of(2026, 11, 25)));
    map.put("decimal", new BigDecimal("1.25"));
    map.put("matrix", new double[][] {{1, 2}, {3, 4}});
    map.put("settings", new Settings("s", new int[] {1, 2}));
    @SuppressWarnings("unchecked")
    Map<String, Object> back = (Map<String, Object>) codec.decode(codec.encode(map));
    assertThat(back.get("list")).isEqualTo(map.get("list"));
    assertThat(back.get("decimal")).isEqualTo(new BigDecimal("1.25"));
    assertThat((double[][]) back.get("matrix")).isDeepEqualTo(new double[][] {{1, 2}, {3, 4}});
    assertThat(((Settings) back.get("settings")).sizes()).containsExactly(1, 2);
  }

  @Test
  void commonValuesTakeTheShortPath() {
    for (Object v : new Object[] {null, 42, -7L, 2.5, true, false, "héllo", new byte[] {1, 2}}) {
      byte[] bytes = codec.encode(v);
      assertThat(bytes.length).as("%s", v).isLessThan(20);
      Object back = codec.decode(bytes);
      if (v instanceof byte[] b) {
        assertThat((byte[]) back).containsExactly(b);
      } else {
        assertThat(back).isEqualTo(v);
      }
    }
    assertThat(codec.encode(42)).hasSize(5);
  }

  @Test
  void serializableLambdasCapturingRecordsTravel() throws Exception {
    Settings settings = new Settings("x", new int[] {3});
    Task<Integer, String> task = (a, ctx) -> settings.name() + a * settings.sizes()[0];
    @SuppressWarnings("unchecked")
    Task<Integer, String> back = (Task<Integer, String>) codec.decode(codec.encode(task));
    assertThat(back.call(2, (TaskContext<Integer>) null)).isEqualTo("x6");
  }

  @Test
  void theSenderNamesTheClassThatCannotBeSent() {
    assertThatThrownBy(() -> codec.encode(List.of(new Object())))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("java.lang.Object").hasMessageContaining("not Serializable");
    assertThatThrownBy(() -> codec.encode(new ArrayList<>(List.of(
        new javax.management.Attribute("a", 1)))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("javax.management.Attribute")
        .hasMessageContaining("allowedPackages=javax.management");
  }

  @Test
  void theReceiverRefusesClassesOutsideTheAllowListWhateverTheSenderDid() throws Exception {
    // bytes made by a plain ObjectOutputStream, as a hostile or misconfigured peer would
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
      out.writeObject(new ArrayList<>(Arrays.asList("ok", new javax.management.Attribute("a", 1))));
    }
    assertThatThrownBy(() -> codec.decode(bytes.toByteArray()))
        .isInstanceOf(StarmapException.class)
        .hasMessageContaining("refused to deserialize class javax.management.Attribute")
        .hasMessageContaining("allowedPackages");
    JavaSerializationCodec allowing = new JavaSerializationCodec(List.of("javax.management"));
    assertThat((List<?>) allowing.decode(bytes.toByteArray())).hasSize(2);
  }

  @Test
  void allowListRulesCoverPackagesTheirSubPackagesAndNestedClassesOnly() {
    AllowList list = new AllowList(List.of("com.acme", "org.example.Only"));
    assertThat(list.allows("com.acme.Piece")).isTrue();
    assertThat(list.allows("com.acme.sub.Piece$Inner")).isTrue();
    assertThat(list.allows("com.acmeevil.Piece")).isFalse();
    assertThat(list.allows("org.example.Only")).isTrue();
    assertThat(list.allows("org.example.Only$Nested")).isTrue();
    assertThat(list.allows("org.example.Other")).isFalse();
    assertThat(list.allows("io.starmap.core.AccumMap")).isTrue();
    assertThat(list.allows("java.util.HashMap")).isTrue();
    assertThat(list.allows("java.lang.invoke.SerializedLambda")).isTrue();
    assertThat(list.allows("java.lang.invoke.MethodHandle")).isFalse();
    assertThat(list.allows("java.net.URL")).isFalse();
    assertThat(list.allows("javax.management.BadAttributeValueExpException")).isFalse();
    assertThat(list.allows(int[][].class)).isTrue();
    assertThat(list.allows(java.net.URL[].class)).isFalse();
  }

  @Test
  void unsendableExceptionsBecomeSubstitutesWithTheSameTrace() {
    IllegalStateException cause = new IllegalStateException("inner");
    RuntimeException original = new RuntimeException("outer", cause);
    RemoteTaskException copy = RemoteTaskException.copyOf(original, null);
    assertThat(copy.originalClassName()).isEqualTo(RuntimeException.class.getName());
    assertThat(copy).hasMessage("java.lang.RuntimeException: outer");
    assertThat(copy.getStackTrace()).isEqualTo(original.getStackTrace());
    assertThat(copy.getCause()).hasMessage("java.lang.IllegalStateException: inner");
    assertThat(codec.decode(codec.encode(copy))).isInstanceOf(RemoteTaskException.class);
  }
}
