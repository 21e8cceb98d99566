// The plan's success criteria and power, as read (project page and finding): defensive about shape.
import { el, list, muted, num } from "./dom.js";

/** The criteria's labels as a list, or `empty` (nothing when not given). */
export const criteriaView = (criteria, empty) => (Array.isArray(criteria) && criteria.length
  ? list(criteria.map((c) => c?.label || "A criterion"), { class: "criteria" }) : empty && muted(empty, "span"));

/** "0.37 SD" with its design and any warning; or the reason there is none. */
export function powerView(power) {
  if (!power) return null;
  if (typeof power.mdes !== "number") return muted(power.reason || "Not worked out.", "span");
  return el("span", el("strong", `${num(power.mdes, 2)} SD`), " (80% power, 5% two-sided). ", power.label && `${power.label}.`,
    power.warning && el("strong.error-text.power-line", power.warning), power.assumes && el("span.muted.power-line", power.assumes));
}

/** How the question is answered: with pupil scores, or as a qualitative enquiry (stated in the finding). */
export const designText = (qualitative) => (qualitative ? "A qualitative enquiry: answered without pupil scores"
  : qualitative === false ? "Pupil scores at the baseline and the final session" : "");
