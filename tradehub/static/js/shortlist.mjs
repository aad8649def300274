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
      button.querySelector(".th-shortlist-label").textContent = now
        ? "Remove from shortlist"
        : "Add to shortlist";
      form.action = now ? form.dataset.remove : form.dataset.add;
      status.textContent = now ? "Added to your shortlist" : "Removed from your shortlist";
    } catch {
      form.submit(); // fall back to the ordinary post
    } finally {
      button.disabled = false;
    }
  });
}
