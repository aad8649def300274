// Shortlist buttons without a page reload: post the same form with fetch and flip the button.
// Without JavaScript the forms post normally and the page comes back (progressive enhancement).
const status = document.createElement("div");
status.className = "govuk-visually-hidden";
status.setAttribute("aria-live", "polite");
document.body.append(status);

for (const form of document.querySelectorAll("form.th-shortlist-form")) {
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const button = document.querySelector(`button[form="${form.id}"]`);
    button.disabled = true;
    try {
      const response = await fetch(form.action, {
        method: "POST",
        body: new FormData(form),
        headers: { Accept: "application/json" },
        credentials: "same-origin",
      });
      if (!response.ok) throw new Error(`HTTP ${response.status}`);
      const data = await response.json();
      const now = Boolean(data.shortlisted);
      button.dataset.shortlisted = String(now);
      // The words come from the page, in the reader's language.
      button.querySelector(".th-shortlist-label").textContent = now
        ? button.dataset.labelRemove
        : button.dataset.labelAdd;
      form.action = now ? form.dataset.remove : form.dataset.add;
      status.textContent = now ? button.dataset.saidAdd : button.dataset.saidRemove;
    } catch {
      form.submit(); // fall back to the ordinary post
    } finally {
      button.disabled = false;
    }
  });
}
