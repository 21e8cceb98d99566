// The alliance lead's schools (issue 13): the alliance's list, a form to add one school, and a list to import.
import { listAll, upload, api } from "./api.js";
import { announce, el, labelOf, muted, options, replace, table } from "./dom.js";
import { clearErrors, onSubmit, showErrors } from "./forms.js";

const field = (id, label, control, hint) => el("div.field", el("label", { for: id }, label),
  hint && el("p.hint", { id: `${id}-hint` }, hint), control);

const checkbox = (id, name, label) => el("div.checkbox", el("input", { type: "checkbox", id, name, value: "true" }),
  el("label", { for: id }, label));

const schoolText = (s) => `${s.name} (${s.urn})`;
const plural = (n, one, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

async function renderList(box, { id, name }, phases) {
  const schools = await listAll("schools/", { alliance: id });
  replace(box, schools.length
    ? table(`Schools in ${name} (${schools.length})`, ["Name", "URN", "Phase", "Region"],
      schools.map((s) => [s.name, s.urn, labelOf(phases, s.phase), s.region || "–"]))
    : muted("No schools are in the alliance yet."));
}

/** What a known school's details were in the file, against those kept. */
const kept = (rows) => rows.length > 0 && [
  el("p", "These schools were already known by their URN; their details were kept:"),
  el("ul", rows.map((row) => el("li", `${schoolText(row)}: `, Object.entries(row.differences)
    .map(([key, { given, kept }]) => `${key} “${kept}” kept (the file says “${given}”)`).join("; ")))),
  el("p.hint", "To replace them, tick “Replace the details of schools already known” and import the list again."),
];

function importReport(result) {
  const verb = result.dry_run ? "would be" : "were";
  const parts = [
    result.created.length && `${plural(result.created.length, "new school")} ${verb} added`,
    result.linked.length && `${plural(result.linked.length, "known school")} ${verb} added to the alliance`,
    result.updated.length && `${plural(result.updated.length, "school")} ${verb} updated`,
    result.already_in_alliance.length && `${plural(result.already_in_alliance.length, "school")} already in the alliance`,
  ].filter(Boolean);
  const sentence = `${result.dry_run ? "Checked: nothing stored. " : ""}${plural(result.rows, "row")} read: ${parts.join(", ") || "nothing new"}.`;
  return [el("h4", result.dry_run ? "The list checks out" : "Imported"), el("p", sentence),
    result.created.length > 0 && el("ul", result.created.map((s) => el("li", schoolText(s)))), kept(result.differences)];
}

/** A list's row problems: a summary naming the count, then a table of row, column, value and problem. */
function showRowErrors(form, error) {
  clearErrors(form);
  const fileWide = error.errors.filter((e) => e.row === null);
  const rows = error.errors.filter((e) => e.row !== null);
  const more = error.error_total > error.errors.length ? muted(`The first ${error.errors.length} of ${error.error_total} are shown.`) : null;
  const box = el("div.error-summary.generated", { role: "alert", tabindex: "-1" },
    el("h2.error-title", "There is a problem"), el("p", error.detail),
    fileWide.map((e) => el("p", e.message)),
    rows.length > 0 && table("Problems in the list (row 1 is the header)", ["Row", "Column", "Value", "Problem"],
      rows.map((e) => [`${e.row}`, e.column || "", e.value || "", e.message])), more);
  form.prepend(box);
  box.focus();
}

export async function renderSchools(section, alliance, phases) {
  const p = `schools-${alliance.id}`;
  const listBox = el("div", { id: `${p}-list` }, muted("Loading…"));
  const report = el("div.panel", { id: `${p}-report`, tabindex: "-1", hidden: true });
  const addForm = el("form.panel", { id: `${p}-add`, novalidate: true },
    el("h4", "Add a school"),
    field(`${p}-urn`, "URN", el("input", { id: `${p}-urn`, name: "urn", inputmode: "numeric", autocomplete: "off",
      "aria-describedby": `${p}-urn-hint` }), "The school's 6-digit unique reference number, as on Get Information about Schools."),
    field(`${p}-name`, "Name", el("input", { id: `${p}-name`, name: "name", autocomplete: "off" })),
    field(`${p}-phase`, "Phase", el("select", { id: `${p}-phase`, name: "phase" }, options(phases, "Choose a phase"))),
    field(`${p}-region`, "Region (optional)", el("input", { id: `${p}-region`, name: "region" })),
    checkbox(`${p}-add-update`, "update_existing", "If the URN is already known, replace its details with these"),
    el("div.actions", el("button.button", { type: "submit" }, "Add school")));
  const importForm = el("form.panel", { id: `${p}-import`, novalidate: true },
    el("h4", "Import a list of schools"),
    field(`${p}-file`, "CSV or Excel file", el("input", { id: `${p}-file`, name: "file", type: "file",
      accept: ".csv,.tsv,.txt,.xlsx", "aria-describedby": `${p}-file-hint` }),
    "A header row, then one school per row: URN, name, phase and (optionally) region. Nothing is stored if any row has a problem."),
    checkbox(`${p}-import-update`, "update_existing", "Replace the details of schools already known by their URN"),
    el("div.actions", el("button.button.secondary", { type: "submit", name: "dry_run", value: "true" }, "Check the list first"),
      el("button.button", { type: "submit" }, "Import")));
  replace(section, el("h3", { id: `${p}-heading` }, `Schools in ${alliance.name}`), listBox, addForm, importForm, report);

  const done = async (heading, content, message) => {
    replace(report, heading, content).hidden = false;
    announce(message);
    await renderList(listBox, alliance, phases);
  };
  onSubmit(addForm, async (data) => {
    const body = Object.fromEntries(data);
    body.update_existing = data.get("update_existing") === "true";
    try {
      const added = await api(`alliances/${alliance.id}/schools/`, { method: "POST", body });
      clearErrors(addForm);
      addForm.reset();
      const what = { created: "has been added", linked: "was already known and has been added to the alliance",
        already_in_alliance: "is already in the alliance" }[added.result];
      const message = `${schoolText(added.school)} ${what}.`;
      await done(el("h4", "School added"), [el("p", message), kept(Object.keys(added.differences).length
        ? [{ ...added.school, differences: added.differences }] : [])], message);
    } catch (error) {
      showErrors(addForm, error);
    }
  });
  onSubmit(importForm, async (data) => {
    if (!data.get("file")?.size) data.delete("file");
    try {
      const result = await upload(`alliances/${alliance.id}/schools/import/`, data);
      clearErrors(importForm);
      if (!result.dry_run) importForm.reset();
      const [heading, ...content] = importReport(result);
      await done(heading, content, content[0].textContent);
    } catch (error) {
      report.hidden = true;
      if (Array.isArray(error.errors)) showRowErrors(importForm, error);
      else showErrors(importForm, error);
    }
  });
  await renderList(listBox, alliance, phases);
}
