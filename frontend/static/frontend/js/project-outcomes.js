// Outcome data (members): upload a stage's scores (a dry run first if wished); the values the file names its
// own way matched once; its problems grouped, worst first; uploads.
import { api, upload } from "./api.js";
import { $, announce, el, fill, formatDate, humanise, labelOf, list, muted, options, replace, table } from "./dom.js";
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
    r.summary.map((s) => [measureName(page, s.measure), humanise(s.group), `${s.records}`])));
  $("#outcome-absent").hidden = !r.absent;
  $("#outcome-absent [data-field=absent_text]").textContent = `${plural(r.absent, "score")} ${r.absent === 1 ? "was" : "were"}` +
    (r.absent_by_measure.length > 1 ? ` (${r.absent_by_measure.map((a) => `${measureName(page, a.measure)}: ${a.absent}`).join(", ")})` : "");
  const mapped = ROLES.flatMap(([role]) => r.mapped[role]);
  replace($("#outcome-mapped"), mapped.length > 0 && [el("p", el("strong", "Values matched:")), list(mapped.map((m) =>
    `“${m.value}” (${plural(m.rows, "row")}) is ${m.name}${m.source === "alias" ? ", as your alliance matched it before" : ""}`))]);
  const notUsed = r.read_as.columns_not_used || [];
  replace($("#outcome-not-used"), notUsed.length > 0 && [el("p", el("strong", "Columns not used:")),
    list(notUsed.map((c) => `${c.column}: ${c.reason}`))]);
}

const ROLES = [["school", "Schools"], ["measure", "Measures"], ["group", "Groups"]];
const GROUPS = [{ value: "intervention", label: "Intervention" }, { value: "comparison", label: "Comparison" }];
const plural = (n, word) => `${n.toLocaleString("en-GB")} ${word}${n === 1 ? "" : "s"}`;
const measureName = (page, id) => page.project.measure_details.find((m) => m.id === id)?.name;
const noMaps = () => ({ school: {}, measure: {}, group: {} });

/** Everything a value of `role` can be matched to. */
function targets(page, role) {
  if (role === "school") return page.project.schools.map((s) => ({ value: s.id, label: `${s.name} (URN ${s.urn})` }));
  if (role === "measure") return page.project.measure_details.map((m) => ({ value: m.id, label: m.name }));
  return GROUPS;
}

/** The mapping form: per role, one select per value the file names its own way (suggestions first). */
function showMapping(page, body) {
  const form = $("#outcome-mapping");
  const roles = ROLES.filter(([role]) => body.unmatched?.[role]?.length);
  form.hidden = !roles.length;
  let n = 0;
  replace($("#outcome-mapping-fields"), roles.map(([role, title]) => el("fieldset.field", el("legend", title),
    body.unmatched[role].map((u) => {
      const id = `outcome-map-${n++}`;
      const select = el("select", { id, "data-role": role, "data-value": u.value, "aria-describedby": `${id}-hint` },
        el("option", { value: "" }, u.heading ? "Not a measure: leave this column out" : "Choose…"),
        u.suggestions.length > 0 && el("optgroup", { label: "Most alike" },
          u.suggestions.map((s) => el("option", { value: s.id }, `${s.name} (${s.score}% alike)`))),
        el("optgroup", { label: `All of the project's ${title.toLowerCase()}` }, options(targets(page, role))));
      if (u.suggestions[0]?.score >= 80) select.value = `${u.suggestions[0].id}`;
      const where = u.heading ? "a column of scores" : `in column ${u.column}`;
      return el("div.field", el("label", { for: id }, u.heading ? `Column “${u.value}”` : `“${u.value}”`),
        el("p.hint", { id: `${id}-hint` }, `${plural(u.rows, "row")}, ${where}`), select);
    }))));
  return !form.hidden;
}

/** The file's problems, one collapsed group per column and problem, worst first (as the API orders them). */
function problemGroups(error) {
  const rowsOf = (g) => error.row_errors.filter((e) => e.column === g.column && e.problem === g.problem && e.row != null);
  return el("div.error-groups", el("h3", `Problems in the file: ${error.error_summary.text}`), error.error_groups.map((g) => {
    const where = g.whole_file ? "The whole file" : `${g.column || "Row"}: ${plural(g.row_count, "row")} (${g.rows})`;
    const listed = rowsOf(g);
    return el("details.error-group", el("summary", `${where}: ${g.message}`),
      g.values.length > 0 && el("p", `Values: ${g.values.map((v) => `“${v}”`).join(", ")}${g.count > g.values.length ? " …" : ""}`),
      listed.length > 0 && table(`Rows${listed.length < g.count ? `: the first ${listed.length} of ${g.count}` : ""}`,
        ["Row", "Value", "What to fix"], listed.map((e) => [`${e.row}`, e.value, e.message])));
  }));
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
  for (const [role] of ROLES) if (Object.keys(page.outcomeMaps[role]).length) data.set(`${role}_map`, JSON.stringify(page.outcomeMaps[role]));
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
    if (!result.dry_run) {
      form.file.value = "";
      page.outcomeMaps = noMaps();
      $("#outcome-mapping").hidden = true;
      await Promise.all([renderUploads(page), page.refreshResults()]);
    } else if (showMapping(page, result)) { // checked: only measure headings left to match (no error)
      return $("#outcome-mapping").focus();
    }
    box.focus(); // read out from its heading
  } catch (error) {
    if (!error.row_errors) return showErrors(form, error);
    showErrorBox(errors, error);
    if (showMapping(page, error)) {
      errors.append(el("p", el("a", { href: "#outcome-mapping" }, "Match the values the file names its own way"),
        ": the problems they cause go once they are matched."));
    }
    errors.append(problemGroups(error));
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
  page.outcomeMaps = noMaps(); // the matches chosen for the file in the form, sent with it until it changes
  form.file.addEventListener("change", () => { page.outcomeMaps = noMaps(); $("#outcome-mapping").hidden = true; });
  onSubmit(form, (data) => send(page, form, data)); // "Check first" adds its dry_run=true
  const mapping = $("#outcome-mapping");
  onSubmit(mapping, (choice) => { // the same file again, with the matches chosen so far
    mapping.querySelectorAll("select[data-role]").forEach((select) => {
      if (select.value) page.outcomeMaps[select.dataset.role][select.dataset.value] = /^\d+$/.test(select.value) ? Number(select.value) : select.value;
    });
    const data = new FormData(form);
    if (choice.get("dry_run")) data.set("dry_run", "true");
    return send(page, form, data);
  });
  await renderUploads(page);
}
