package io.starmap.hazelcast;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The job's record and the reading of {@code scontrol -o show job}'s line (no Slurm here). */
class SlurmJobTest {
  @TempDir Path dir;

  @Test
  void readsTheFieldsOfScontrolsOneLineForm() {
    String line = "JobId=7 JobName=starmap-x UserId=root(0) JobState=CANCELLED Reason=None"
        + " Dependency=(null) NodeList=node[1-2] BatchHost=node1 ReqNodeList=(null)";
    assertThat(SlurmJob.field(line, "JobState")).isEqualTo("CANCELLED");
    assertThat(SlurmJob.field(line, "NodeList")).isEqualTo("node[1-2]");
    assertThat(SlurmJob.field(line, "JobId")).isEqualTo("7");
    // ReqNodeList ends with NodeList=: the field is found by its whole name only
    assertThat(SlurmJob.field("JobId=7 ReqNodeList=a JobState=RUNNING", "NodeList")).isEmpty();
  }

  @Test
  void aJobIsActiveUntilItEndsWhateverTheWay() {
    for (String s : new String[] {"PENDING", "RUNNING", "COMPLETING", "SUSPENDED"}) {
      assertThat(new SlurmJob("1", s, "", "None").active()).as(s).isTrue();
    }
    for (String s : new String[] {"CANCELLED", "TIMEOUT", "NODE_FAIL", "FAILED", "COMPLETED",
        "OUT_OF_MEMORY", "UNKNOWN"}) {
      assertThat(new SlurmJob("1", s, "", "None").active()).as(s).isFalse();
    }
  }

  @Test
  void theRecordIsTheOwnersOnlyAndCanBeForgotten() throws Exception {
    Path workers = dir.resolve("workers");
    assertThat(SlurmJob.recorded(workers)).isEmpty();
    SlurmJob.record(workers, "42");
    assertThat(SlurmJob.recorded(workers)).contains("42");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(
        workers.resolve("slurm-job")))).isEqualTo("rw-------");
    SlurmJob.forget(workers);
    assertThat(SlurmJob.recorded(workers)).isEmpty();
  }
}
