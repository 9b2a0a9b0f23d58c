// Under each field with data-length-limit (see caspian/newsroom/admin_forms.py): how many
// characters it has and how many it may have, updated as the editor types. The form refuses
// a text over the limit and keeps it; this says so before the editor saves.
(() => {
  "use strict";

  function counter(field) {
    const limit = Number(field.dataset.lengthLimit);
    const advice = Number(field.dataset.lengthAdvice || 0);
    const note = document.createElement("p");
    note.className = "caspian-length";
    note.id = `${field.id}-length`;
    note.setAttribute("aria-live", "polite");
    field.setAttribute("aria-describedby", [field.getAttribute("aria-describedby"), note.id].filter(Boolean).join(" "));
    field.insertAdjacentElement("afterend", note);

    function show() {
      const length = [...field.value].length;
      let text = `${length} of ${limit} characters`;
      let state = "";
      if (length > limit) {
        text += `: ${length - limit} too many`;
        state = "over";
      } else if (advice && length > advice) {
        text += `: search results and social cards show about ${advice}`;
        state = "long";
      }
      note.textContent = text;
      note.dataset.state = state;
    }
    field.addEventListener("input", show);
    show();
  }

  function start() {
    document.querySelectorAll("[data-length-limit]:not([data-length-counted])").forEach((field) => {
      field.dataset.lengthCounted = "";
      counter(field);
    });
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
