// Find a Supplier: company-name suggestions while typing and sort-on-change.
// Progressive enhancement only: without this file the search box and the sort button work.

const DEBOUNCE_MS = 150
const MIN_CHARS = 2

function enhanceSuggestions (input) {
  const list = document.getElementById(input.getAttribute('list'))
  const url = input.dataset.suggestUrl
  if (!list || !url || !window.fetch) return
  let timer = null
  let controller = null
  let lastPrefix = ''

  input.addEventListener('input', () => {
    clearTimeout(timer)
    timer = setTimeout(async () => {
      const prefix = input.value.trim()
      if (prefix.length < MIN_CHARS || prefix === lastPrefix) return
      lastPrefix = prefix
      if (controller) controller.abort()
      controller = new AbortController()
      try {
        const response = await fetch(`${url}?q=${encodeURIComponent(prefix)}`, {
          headers: { Accept: 'application/json' },
          signal: controller.signal
        })
        if (!response.ok) return
        const body = await response.json()
        list.replaceChildren(...body.data.map((name) => {
          const option = document.createElement('option')
          option.value = name
          return option
        }))
      } catch (error) {
        // Suggestions are a convenience: the search itself still works without them.
        if (error.name !== 'AbortError') list.replaceChildren()
      }
    }, DEBOUNCE_MS)
  })
}

function enhanceSort (select) {
  const form = select.form
  const button = select.parentElement.querySelector('.th-sort__button')
  if (!form || !button) return
  button.classList.add('th-js-hidden')
  select.addEventListener('change', () => form.requestSubmit())
}

// "Show all N ..." reveals the rest of a filter group in place instead of reloading the page.
function enhanceShowAll (link) {
  const more = document.getElementById(link.dataset.reveals)
  if (!more) return
  link.addEventListener('click', (event) => {
    event.preventDefault()
    more.hidden = false
    const first = more.querySelector('input')
    link.parentElement.remove()
    if (first) first.focus()
  })
}

document.querySelectorAll('input[data-suggest-url]').forEach(enhanceSuggestions)
document.querySelectorAll('select#sort').forEach(enhanceSort)
document.querySelectorAll('a[data-reveals]').forEach(enhanceShowAll)
