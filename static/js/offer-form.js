// The offer form, opened at its amount: by an offer card's "Counter-offer" link (which, without
// JavaScript, loads the page with the form open).

// Opens the form and focuses its amount; false when the page has no offer form.
export function openOfferForm() {
  const details = document.getElementById("offer-maker-details");
  const amount = document.getElementById("offer-amount");
  if (!details || !amount) return false;
  details.open = true;
  amount.focus();
  return true;
}

export function start() {
  document.addEventListener("click", function (event) {
    const link = event.target.closest && event.target.closest("[data-counter-offer]");
    if (link && openOfferForm()) event.preventDefault();
  });
}
