package dev.gpuhub.server.hub.jobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gpuhub.core.goodput.policy.Metric;
import dev.gpuhub.wire.InvalidPayloadException;
import dev.gpuhub.wire.WireJson;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Validation of job submissions and progress reports: every refusal names its field. */
class JobBodiesTest {
  private static JsonNode json(String s) {
    try {
      return WireJson.mapper().readTree(s.replace('\'', '"'));
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  @Test
  void aFullSubmissionIsReadAsGiven() {
    JobSubmission s = JobSubmission.parse(json("{'image':'trainer:1','command':['python3','train.py','--lr','0.1'],"
        + "'min_gpus':2,'max_gpus':8,'initial_batch_size':128,'metric':'cost'}"));
    assertThat(s.image()).isEqualTo("trainer:1");
    assertThat(s.command()).containsExactly("python3", "train.py", "--lr", "0.1");
    assertThat(s.minGpus()).isEqualTo(2);
    assertThat(s.maxGpus()).isEqualTo(8);
    assertThat(s.initialBatchSize()).isEqualTo(128);
    assertThat(s.metric()).isEqualTo(Metric.COST);
    assertThat(s.priority()).isEqualTo(JobPriority.JOB);
    assertThat(JobSubmission.parse(json("{'image':'t','command':'x','initial_batch_size':64,'priority_class':'scavenger'}"))
        .priority()).isEqualTo(JobPriority.SCAVENGER);
  }

  @Test
  void defaultsAndACommandStringSplitAtWhiteSpace() {
    JobSubmission s = JobSubmission.parse(json("{'image':'trainer:1','command':'  python3  train.py ','initial_batch_size':64}"));
    assertThat(s.command()).containsExactly("python3", "train.py");
    assertThat(s.minGpus()).isEqualTo(1);
    assertThat(s.maxGpus()).isEqualTo(1);
    assertThat(s.metric()).isEqualTo(Metric.DEFAULT);
    assertThat(JobSubmission.parse(json("{'image':'t','command':'x','min_gpus':3,'initial_batch_size':1}")).maxGpus())
        .isEqualTo(3);
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "{'command':'x','initial_batch_size':64}|image",
      "{'image':'not an image!','command':'x','initial_batch_size':64}|image",
      "{'image':7,'command':'x','initial_batch_size':64}|image",
      "{'image':'t','initial_batch_size':64}|command",
      "{'image':'t','command':'   ','initial_batch_size':64}|command",
      "{'image':'t','command':[],'initial_batch_size':64}|command",
      "{'image':'t','command':['python3',3],'initial_batch_size':64}|command",
      "{'image':'t','command':{'a':1},'initial_batch_size':64}|command",
      "{'image':'t','command':'x','min_gpus':0,'initial_batch_size':64}|min_gpus",
      "{'image':'t','command':'x','min_gpus':-1,'initial_batch_size':64}|min_gpus",
      "{'image':'t','command':'x','min_gpus':'two','initial_batch_size':64}|min_gpus",
      "{'image':'t','command':'x','min_gpus':1.5,'initial_batch_size':64}|min_gpus",
      "{'image':'t','command':'x','min_gpus':4,'max_gpus':2,'initial_batch_size':64}|max_gpus",
      "{'image':'t','command':'x','max_gpus':0,'initial_batch_size':64}|max_gpus",
      "{'image':'t','command':'x'}|initial_batch_size",
      "{'image':'t','command':'x','initial_batch_size':0}|initial_batch_size",
      "{'image':'t','command':'x','initial_batch_size':'64'}|initial_batch_size",
      "{'image':'t','command':'x','initial_batch_size':64,'metric':'fastest'}|metric",
      "{'image':'t','command':'x','initial_batch_size':64,'metric':3}|metric",
      "{'image':'t','command':'x','initial_batch_size':64,'max_gpu':2}|max_gpu",
      "{'image':'t','command':'x','initial_batch_size':64,'priority_class':'interactive'}|priority_class",
      "{'image':'t','command':'x','initial_batch_size':64,'priority_class':'urgent'}|priority_class",
      "{'image':'t','command':'x','initial_batch_size':64,'priority_class':1}|priority_class",
  })
  void badSubmissionsNameTheField(String body, String field) {
    assertThatThrownBy(() -> JobSubmission.parse(json(body)))
        .isInstanceOfSatisfying(InvalidPayloadException.class, e -> assertThat(e.field()).isEqualTo(field));
  }

  @Test
  void aSubmissionMustBeAnObject() {
    assertThatThrownBy(() -> JobSubmission.parse(json("[1]"))).isInstanceOf(InvalidPayloadException.class);
  }

  @Test
  void aFullReportIsReadAsGiven() {
    JobReport r = JobReport.parse(json("{'step_time':0.25,'sync_time':0.05,'local_batch':32,'grad_sqr':1.5,"
        + "'grad_var':12,'progress':40,'done':true,'rank':0}"));
    assertThat(r).isEqualTo(new JobReport(0.25, 0.05, 32, 1.5, 12, 40.0, true));
    JobReport minimal = JobReport.parse(json("{'step_time':1,'sync_time':0,'local_batch':1,'grad_sqr':0,'grad_var':0}"));
    assertThat(minimal.progress()).isNull();
    assertThat(minimal.done()).isFalse();
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "{'sync_time':0,'local_batch':8,'grad_sqr':1,'grad_var':1}|step_time",
      "{'step_time':-0.1,'sync_time':0,'local_batch':8,'grad_sqr':1,'grad_var':1}|step_time",
      "{'step_time':0,'sync_time':0,'local_batch':8,'grad_sqr':1,'grad_var':1}|step_time",
      "{'step_time':'fast','sync_time':0,'local_batch':8,'grad_sqr':1,'grad_var':1}|step_time",
      "{'step_time':null,'sync_time':0,'local_batch':8,'grad_sqr':1,'grad_var':1}|step_time",
      "{'step_time':1,'sync_time':-1,'local_batch':8,'grad_sqr':1,'grad_var':1}|sync_time",
      "{'step_time':1,'local_batch':8,'grad_sqr':1,'grad_var':1}|sync_time",
      "{'step_time':0.5,'sync_time':0.6,'local_batch':8,'grad_sqr':1,'grad_var':1}|sync_time",
      "{'step_time':1,'sync_time':0,'local_batch':0,'grad_sqr':1,'grad_var':1}|local_batch",
      "{'step_time':1,'sync_time':0,'local_batch':8.5,'grad_sqr':1,'grad_var':1}|local_batch",
      "{'step_time':1,'sync_time':0,'grad_sqr':1,'grad_var':1}|local_batch",
      "{'step_time':1,'sync_time':0,'local_batch':8,'grad_sqr':-2,'grad_var':1}|grad_sqr",
      "{'step_time':1,'sync_time':0,'local_batch':8,'grad_sqr':'x','grad_var':1}|grad_sqr",
      "{'step_time':1,'sync_time':0,'local_batch':8,'grad_sqr':1}|grad_var",
      "{'step_time':1,'sync_time':0,'local_batch':8,'grad_sqr':1,'grad_var':-1e-9}|grad_var",
      "{'step_time':1,'sync_time':0,'local_batch':8,'grad_sqr':1,'grad_var':1,'progress':-1}|progress",
      "{'step_time':1,'sync_time':0,'local_batch':8,'grad_sqr':1,'grad_var':1,'done':'yes'}|done",
  })
  void badReportsNameTheField(String body, String field) {
    assertThatThrownBy(() -> JobReport.parse(json(body)))
        .isInstanceOfSatisfying(InvalidPayloadException.class, e -> assertThat(e.field()).isEqualTo(field));
  }
}
