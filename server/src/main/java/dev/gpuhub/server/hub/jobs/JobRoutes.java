package dev.gpuhub.server.hub.jobs;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gpuhub.server.discovery.NotFoundException;
import dev.gpuhub.server.http.ApiErrors;
import dev.gpuhub.server.http.JsonBodies;
import dev.gpuhub.server.hub.HubIdentity;
import dev.gpuhub.server.hub.auth.ApiTokens;
import dev.gpuhub.store.TrainingJobRecord;
import dev.gpuhub.wire.InvalidPayloadException;
import dev.gpuhub.wire.WireJson;
import io.javalin.config.JavalinConfig;
import io.javalin.http.ConflictResponse;
import io.javalin.http.Context;
import java.io.IOException;

/**
 * The jobs API under {@code /hub/api/jobs} and the jobs page {@code /hub/jobs}. Users submit,
 * see and cancel their own jobs; admins see and cancel everyone's. Reports are authenticated by the
 * job's report token alone. Errors are JSON {@code {"error": ...}} (plus {@code field}) with 400
 * (bad body), 401 (report token), 403 (someone else's job, or anonymous), 404 (no such job), 409
 * (the job has ended or takes no reports).
 */
public final class JobRoutes {
  private static final ObjectReader READER = WireJson.mapper().reader()
      .with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

  private final HubIdentity identity;
  private final JobScheduler scheduler;

  public JobRoutes(HubIdentity identity, JobScheduler scheduler) {
    this.identity = identity;
    this.scheduler = scheduler;
  }

  public void install(JavalinConfig c) {
    var r = c.routes;
    r.post("/hub/api/jobs", this::submit);
    r.get("/hub/api/jobs", this::list);
    r.get("/hub/api/jobs/{id}", ctx -> ApiErrors.send(ctx, 200, json(visible(ctx))));
    r.delete("/hub/api/jobs/{id}", this::cancel);
    r.post("/hub/api/jobs/{id}/report", this::report);
    r.get("/hub/jobs", ctx -> {
      HubIdentity.User user = identity.requireUser(ctx);
      ctx.html(JobsPage.render(user, identity.xsrfToken(ctx), scheduler));
    });
  }

  private void submit(Context ctx) {
    HubIdentity.User user = identity.requireUser(ctx);
    JobSubmission s = JobSubmission.parse(body(ctx));
    TrainingJobRecord job = scheduler.submit(user.name(), s);
    ctx.header("Location", "/hub/api/jobs/" + job.id());
    ApiErrors.send(ctx, 201, json(job));
  }

  /** Errors of the jobs API and their statuses. */
  public static final java.util.List<dev.gpuhub.server.http.ErrorMapping> ERRORS =
      java.util.List.of(new dev.gpuhub.server.http.ErrorMapping(TooManyJobsException.class, 429));

  /**
   * The caller's jobs (every job for an admin), oldest first, a page at a time: query {@code offset}
   * (default 0) and {@code limit} (default and most {@link dev.gpuhub.server.http.Paging#MAX_LIMIT});
   * header {@code X-Total-Count} says how many there are in all.
   */
  private void list(Context ctx) {
    HubIdentity.User user = identity.requireUser(ctx);
    dev.gpuhub.server.http.Paging page = dev.gpuhub.server.http.Paging.of(ctx);
    java.util.List<TrainingJobRecord> visible = scheduler.jobs().stream()
        .filter(job -> user.admin() || job.owner().equals(user.name())).toList();
    ArrayNode out = WireJson.mapper().createArrayNode();
    for (TrainingJobRecord job : page.of(visible)) out.add(json(job));
    page.total(ctx, visible.size());
    ApiErrors.send(ctx, 200, out);
  }

  private void cancel(Context ctx) {
    TrainingJobRecord job = visible(ctx);
    if (!job.state().isActive()) {
      throw new ConflictResponse("job " + job.id() + " is already " + job.state().dbValue());
    }
    HubIdentity.User user = identity.requireUser(ctx);
    ApiErrors.send(ctx, 200, json(scheduler.cancel(job.id(), "cancelled by " + user.name())));
  }

  private void report(Context ctx) {
    long id = id(ctx);
    TrainingJobRecord job = scheduler.job(id).orElseThrow(() -> noSuchJob(ctx.pathParam("id")));
    String token = ApiTokens.fromAuthorization(ctx.header("Authorization")).orElse(null);
    JobReports.requireToken(job, token); // authenticate before reading the body
    JobReport report = JobReport.parse(body(ctx));
    TrainingJobRecord updated = scheduler.report(id, token, report);
    ObjectNode answer = WireJson.mapper().createObjectNode();
    answer.put("status", "accepted");
    answer.put("job", id);
    answer.put("state", updated.state().dbValue());
    answer.put("done", report.done());
    ApiErrors.send(ctx, 200, answer);
  }

  /** The job in the path, when the caller owns it or is an admin (403 otherwise, 404 when absent). */
  private TrainingJobRecord visible(Context ctx) {
    HubIdentity.User user = identity.requireUser(ctx);
    TrainingJobRecord job = scheduler.job(id(ctx)).orElseThrow(() -> noSuchJob(ctx.pathParam("id")));
    if (!user.admin() && !job.owner().equals(user.name())) identity.requireOwnerOrAdmin(ctx, job.owner());
    return job;
  }

  private ObjectNode json(TrainingJobRecord job) {
    return JobJson.of(job, JobJson.Estimate.of(job, scheduler.latestModel(job.id())));
  }

  private static long id(Context ctx) {
    String raw = ctx.pathParam("id");
    if (raw.isEmpty() || raw.length() > 18 || !raw.chars().allMatch(Character::isDigit)) throw noSuchJob(raw);
    return Long.parseLong(raw);
  }

  private static NotFoundException noSuchJob(String raw) {
    return new NotFoundException("no training job '" + raw + "': list yours at GET /hub/api/jobs");
  }

  /** The body as one JSON object, through Javalin's cache (the XSRF check may have read it). */
  private static JsonNode body(Context ctx) {
    long declared = ctx.req().getContentLengthLong();
    if (declared > JsonBodies.MAX_BODY_BYTES) throw JsonBodies.tooLarge(ctx, declared);
    byte[] bytes = ctx.bodyAsBytes();
    if (bytes.length > JsonBodies.MAX_BODY_BYTES) throw new JsonBodies.BodyTooLargeException(-1);
    if (bytes.length == 0) throw new InvalidPayloadException(null, "body is empty; send a JSON object");
    try {
      JsonNode node = READER.readTree(bytes);
      if (node == null || !node.isObject()) throw new InvalidPayloadException(null, "body must be a JSON object");
      return node;
    } catch (JsonProcessingException e) {
      throw new InvalidPayloadException(null, "body is not valid JSON: " + e.getOriginalMessage());
    } catch (IOException e) {
      throw new InvalidPayloadException(null, "body could not be read: " + e.getMessage());
    }
  }
}
