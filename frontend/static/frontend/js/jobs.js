// Background jobs (issue 13): an upload the server answers 202 carries a job; follow it to its end.
import { api, ApiError } from "./api.js";

const EVERY_MS = 1500;
const count = (n) => Number(n || 0).toLocaleString("en-GB");

/** Whether an answer body is a job to follow (GET /api/v1/jobs/{id}/), not a result. */
export const isJob = (body) => typeof body?.url === "string" && body.url.startsWith("/api/v1/jobs/") && "rows_stored" in body;

/** Poll the job until it ends: its result (the body a synchronous upload answers with), or an
 *  ApiError carrying the body the upload would have failed with. `onUpdate(job)` after every poll. */
export async function followJob(job, onUpdate = () => {}) {
  let misses = 0;
  onUpdate(job);
  while (job.status === "queued" || job.status === "running") {
    await new Promise((resolve) => setTimeout(resolve, EVERY_MS));
    try {
      job = await api(job.url);
      misses = 0;
    } catch (error) {
      if (error.status !== 0 || ++misses > 5) throw error; // a blip in the connection: ask again
      continue;
    }
    onUpdate(job);
  }
  if (job.status === "done") return job.result;
  throw new ApiError(job.result_status || 500, job.error || {});
}

/** Where the job is: {phase, text, value, max}. The bar counts three steps: the file received (1), read
 *  and checked (2), stored (3); while the scores go in it moves with them where the server can count
 *  them (PostgreSQL). Only `text` changes with the phase, so a screen reader hears each step once. */
export function jobProgress(job) {
  const rows = count(job.rows_read || job.rows_total);
  if (job.status === "queued") return { phase: "queued", text: `Waiting to start: about ${rows} rows.`, value: 1, max: 3 };
  if (job.status === "running" && job.rows_to_store == null) {
    return { phase: "reading", text: `Reading and checking about ${rows} rows. A large file takes a while; you can stay on this page.`,
      value: 1, max: 3 };
  }
  if (job.status === "running") {
    const verb = job.dry_run ? "Checking what would be stored" : "Storing";
    return { phase: "storing", text: `${rows} rows checked. ${verb}: ${count(job.rows_to_store)} scores.`,
      value: 2 + (job.rows_stored || 0) / Math.max(job.rows_to_store, 1), max: 3 };
  }
  return { phase: job.status, text: job.status === "done" ? "Finished." : "The import stopped.", value: 3, max: 3 };
}
