// Outcome data (members): upload a stage's scores (a dry run first if wished); row errors; uploads.
import { api, upload } from "./api.js";
import { $, announce, el, fill, formatDate, humanise, labelOf, muted, options, replace, table } from "./dom.js";
import { clearErrors, onSubmit, showErrorBox, showErrors } from "./forms.js";
import { followJob, isJob, jobProgress } from "./jobs.js";
import { ask } from "./transitions.js";

function preview(page, r) {
  const a = r.read_as;
  fill({ ...r, heading: r.dry_run ? "Checked: nothing has been stored yet" : "Uploaded", verb: r.dry_run ? "would be" : "were",
    replacing: r.would_replace ? `, replacing ${r.would_replace}` : "", dropped: r.columns_dropped.join(", "),
    how: [a.encoding, a.delimiter && `separated by ${a.delimiter === "\t" ? "tabs" : a.delimiter}`, a.sheet && `sheet ${a.sheet}`].filter(Boolean).join(", "),
    used: Object.values(a.columns_used).join(", ") }, $("#outcome-preview"));
  $("#no-columns-dropped").hidden = !($("#columns-dropped").hidden = !r.columns_dropped.length);
  replace($("#outcome-summary"), table("Scores by measure and group", ["Measure", "Group", "Scores"],
    r.summary.map((s) => [page.project.measure_details.find((m) => m.id === s.measure)?.name, humanise(s.group), `${s.records}`])));
}

/** A large file's job, on the bar: the phase in words (read out once each), the scores stored as its value. */
function showJob(bar, job) {
  const { text, value, max } = jobProgress(job);
  $("#outcome-progress-label").textContent = "Importing in the background";
  if ($("#outcome-progress-text").textContent !== text) $("#outcome-progress-text").textContent = text;
  if (value == null) bar.removeAttribute("value"); // still moving, without a measure
  else Object.assign(bar, { max, value });
}

async function send(page, form, data) {
  const [errors, box, bar] = ["#outcome-errors", "#outcome-preview", "#outcome-progress-bar"].map((id) => $(id));
  errors.hidden = true;
  clearErrors(form);
  box.hidden = true;
  Object.assign(bar, { max: 100, value: 0 });
  $("#outcome-progress-label").textContent = "Uploading";
  $("#outcome-progress-text").textContent = "";
  bar.parentNode.hidden = false;
  try {
    let result = await upload(`projects/${page.id}/outcome-uploads/`, data, (percent) => { bar.value = percent; });
    if (isJob(result)) result = await followJob(result, (job) => showJob(bar, job)); // 202: a large file
    preview(page, result);
    box.hidden = false;
    box.focus(); // read out from its heading
    if (!result.dry_run) {
      form.file.value = "";
      await Promise.all([renderUploads(page), page.refreshResults()]);
    }
  } catch (error) {
    if (!error.row_errors) return showErrors(form, error);
    showErrorBox(errors, error);
    const shown = error.row_errors.length;
    errors.append(table(`Problems in the file${error.error_total > shown ? `: the first ${shown} of ${error.error_total}` : ""}`,
      ["Row", "Column", "Value", "What to fix"], error.row_errors.map((e) => [`${e.row}`, e.column, e.value, e.message])));
  } finally {
    bar.parentNode.hidden = true;
  }
}

async function remove(page, u) {
  if (await ask("Delete this upload?", `Its ${u.record_count} scores leave the results. The deletion is recorded.`, "Delete the upload") === null) return;
  try {
    await api(`projects/${page.id}/outcome-uploads/${u.id}/`, { method: "DELETE" });
    announce("The upload has been deleted.");
    await Promise.all([renderUploads(page), page.refreshResults()]);
  } catch (error) {
    announce(error.detail);
  }
}

async function renderUploads(page) {
  const uploads = await api(`projects/${page.id}/outcome-uploads/`);
  replace($("#outcome-uploads"), uploads.length ? table(null, ["Stage and measure", "Scores", "Uploaded", ""], uploads.map((u) => {
    const what = `${labelOf(page.choices.stages, u.stage)}: ${u.measure_name || "several measures"}`;
    return [what, `${u.record_count}`, `${formatDate(u.uploaded_at)} by ${u.uploaded_by}`, u.status !== "imported" ? (u.deleted_by ? `Deleted by ${u.deleted_by}` : "Replaced by a later upload")
      : el("button.button.secondary", { type: "button", onclick: () => remove(page, u), "aria-label": `Delete ${what}, ${formatDate(u.uploaded_at)}` }, "Delete")];
  })) : muted("No files uploaded yet."));
}

export async function renderOutcomes(page) {
  const { project } = page;
  const form = $("#outcome-form");
  if (($("#outcome-data").hidden = !project.permissions.see_raw_rows)) return;
  form.hidden = !["theory", "progress", "dissemination"].includes(project.status);
  page.stageChoices(form.stage);
  form.measure.replaceChildren(...options(project.measure_details.map((m) => ({ value: m.id, label: `${m.name} (${m.scale_min}–${m.scale_max})` }))),
    el("option", { value: "" }, "Several: one column per measure"));
  onSubmit(form, (data) => send(page, form, data)); // "Check first" adds its dry_run=true
  await renderUploads(page);
}
