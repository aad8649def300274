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

// "Show all N ..." adds the rest of a filter group in place instead of reloading the page: it
// fetches the page the link leads to (the same search with the group whole) and takes the
// values this page does not have yet. Ticks already made on this page stay as they are. If the
// fetch fails, the link is followed as without JavaScript.
function enhanceShowAll (link) {
  const more = document.getElementById(link.dataset.reveals)
  const group = link.dataset.group
  const details = link.closest('details')
  if (!more || !group || !details || !window.fetch || !window.DOMParser) return
  let loading = false
  link.addEventListener('click', async (event) => {
    event.preventDefault()
    if (loading) return
    loading = true
    try {
      const response = await fetch(link.href, { headers: { Accept: 'text/html' } })
      if (!response.ok) throw new Error(`HTTP ${response.status}`)
      const page = new DOMParser().parseFromString(await response.text(), 'text/html')
      const whole = page.getElementById(details.id)
      if (!whole) throw new Error('the group is missing from the fetched page')
      const present = new Set(
        Array.from(details.querySelectorAll('input.govuk-checkboxes__input'), (input) => input.value)
      )
      let count = 0
      for (const item of whole.querySelectorAll('.govuk-checkboxes__item')) {
        const input = item.querySelector('input')
        const label = item.querySelector('label')
        if (!input || !label || present.has(input.value)) continue
        count += 1
        input.id = `filter-${group}-more-${count}`
        label.htmlFor = input.id
        more.append(document.importNode(item, true))
      }
      more.hidden = false
      const first = more.querySelector('input')
      link.parentElement.remove()
      if (first) first.focus()
    } catch (error) {
      window.location.assign(link.href)
    }
  })
}

document.querySelectorAll('input[data-suggest-url]').forEach(enhanceSuggestions)
document.querySelectorAll('select#sort').forEach(enhanceSort)
document.querySelectorAll('a[data-reveals]').forEach(enhanceShowAll)
