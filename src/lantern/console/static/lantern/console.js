// Keyboard help for the live-call form: Ctrl/Cmd+Enter saves; while focus is in the call-type
// group, the digit keys 1-9 toggle the matching call type.
document.addEventListener("keydown", (event) => {
  const form = document.getElementById("contact-form");
  if (!form) return;
  if ((event.ctrlKey || event.metaKey) && event.key === "Enter") {
    event.preventDefault();
    form.requestSubmit();
    return;
  }
  const group = event.target.closest && event.target.closest("#call-types");
  if (group && /^[1-9]$/.test(event.key)) {
    const boxes = group.querySelectorAll("input[type=checkbox]");
    const box = boxes[Number(event.key) - 1];
    if (box) {
      event.preventDefault();
      box.checked = !box.checked;
      box.focus();
    }
  }
});
