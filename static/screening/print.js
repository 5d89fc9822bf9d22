// The printable answers page: a "Print this page" button (hidden without script).
document.addEventListener("DOMContentLoaded", () => {
  const button = document.getElementById("print-answers");
  if (!button) return;
  button.hidden = false;
  button.addEventListener("click", () => window.print());
});
