// Progressive enhancement only: every page works without this file.
import { initAll } from '../govuk/govuk-frontend.min.js'

initAll()

// "Read more": a long text folds to a few lines behind a button that shows the rest. Without
// this script the whole text shows.
const FOLDED_HEIGHT = 200
document.querySelectorAll('[data-th-read-more]').forEach((box, index) => {
  if (box.scrollHeight <= FOLDED_HEIGHT * 1.5) return
  box.id = box.id || `th-read-more-${index + 1}`
  box.classList.add('th-read-more--folded')
  const button = document.createElement('button')
  button.type = 'button'
  button.className = 'govuk-button govuk-button--secondary th-read-more__button'
  button.setAttribute('aria-controls', box.id)
  button.setAttribute('aria-expanded', 'false')
  button.textContent = box.dataset.moreText
  button.addEventListener('click', () => {
    const folded = box.classList.toggle('th-read-more--folded')
    button.setAttribute('aria-expanded', String(!folded))
    button.textContent = folded ? box.dataset.moreText : box.dataset.lessText
  })
  box.after(button)
})
