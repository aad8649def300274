// Selling Online Overseas finder: the marketplaces ticked to compare ride along on the page
// links, so moving between result pages keeps them. Progressive enhancement only: without
// this file the "Keep my choices and see the next page" button carries them.

function chosenSlugs (form) {
  return [...form.querySelectorAll('input[name="slug"]')]
    .filter((input) => input.type === 'hidden' || input.checked)
    .map((input) => input.value)
}

function carryChoices (form) {
  const slugs = chosenSlugs(form)
  document.querySelectorAll('.govuk-pagination a[href]').forEach((link) => {
    const url = new URL(link.getAttribute('href'), window.location.href)
    url.searchParams.delete('slug')
    slugs.forEach((slug) => url.searchParams.append('slug', slug))
    link.setAttribute('href', url.pathname + url.search)
  })
}

const form = document.querySelector('form[data-compare-choices]')
if (form) {
  form.addEventListener('change', () => carryChoices(form))
  carryChoices(form)
}
