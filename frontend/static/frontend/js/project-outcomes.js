// Outcome data (members): upload a stage's scores, checked first (a dry run) if wished; row errors; uploads.
import { api, upload } from "./api.js";
import { $, announce, el, formatDate, humanise, labelOf, muted, options, replace, table } from "./dom.js";
import { clearErrors, hideErrorBox, onSubmit, showErrorBox, showErrors } from "./forms.js";
import { ask } from "./transitions.js";

function preview(page, r) {
  const a = r.read_as;
  const measures = page.project.measure_details.map((m) => ({ value: m.id, label: m.name }));
  return [el("h3", r.dry_run ? "Checked: nothing has been stored yet" : "Uploaded"),
    el("p", `${r.rows_read} rows read: ${r.records} scores ${r.dry_run ? "would be" : "were"} stored${r.would_replace ? `, replacing ${r.would_replace}` : ""}.`),
    table("Scores by measure and group", ["Measure", "Group", "Scores"], r.summary.map((s) => [labelOf(measures, s.measure), humanise(s.group), `${s.records}`])),
    el("p", { id: "columns-dropped" }, r.columns_dropped.length
      ? [el("strong", "These identifying columns were removed and not stored: "), `${r.columns_dropped.join(", ")}.`]
      : "No identifying columns were found."),
    muted(`Read as ${a.format} in ${a.layout} format (${a.encoding}${a.delimiter ? `, separated by ${a.delimiter === "\t" ? "tabs" : a.delimiter}` : ""}${
      a.sheet ? `, sheet ${a.sheet}` : ""}), headings on row ${a.header_row}; columns used: ${Object.values(a.columns_used).join(", ")}.`)];
}

async function send(page, form, data) {
  const [errors, box, bar] = ["#outcome-errors", "#outcome-preview", "#outcome-progress-bar"].map((id) => $(id));
  hideErrorBox(errors);
  clearErrors(form);
  replace(box).className = "";
  bar.value = 0;
  bar.parentNode.hidden = false;
  try {
    const result = await upload(`projects/${page.id}/outcome-uploads/`, data, (percent) => { bar.value = percent; });
    replace(box, preview(page, result)).className = "panel";
    box.focus(); // read out from its heading: checked, or uploaded
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
