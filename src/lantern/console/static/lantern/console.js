// Keyboard help for the live-call form: Ctrl/Cmd+Enter saves; while focus is in the call-type
// group, the digit keys 1-9 toggle the matching call type.
document.addEventListener("keydown", (event) => {
  const form = document.getElementById("contact-form") || document.getElementById("service-form");
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

// --- Directory search (the live-call panel beside the contact form, and the Directory page) ---
//
//   /            focus the directory search (when not typing in a field)
//   ↓ / j, ↑ / k move between results (↓ from the search box enters the list)
//   Enter        open the focused result's service page (a new tab beside a contact form)
//   r            refer the focused result (the same as its Refer button)
//   Esc          back to the search box
(() => {
  const typing = (el) =>
    el && (el.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(el.tagName));
  const hits = () => Array.from(document.querySelectorAll("#directory-results .hit"));
  const searchBox = () => document.querySelector("#directory-search input[name=q]");

  function focusHit(index) {
    const all = hits();
    if (!all.length) return;
    const hit = all[Math.max(0, Math.min(index, all.length - 1))];
    all.forEach((h) => h.classList.remove("active"));
    hit.classList.add("active");
    hit.focus();
  }

  document.addEventListener("keydown", (event) => {
    if (event.ctrlKey || event.metaKey || event.altKey) return;
    const target = event.target;
    if (event.key === "/" && !typing(target)) {
      const box = searchBox();
      if (box) {
        event.preventDefault();
        box.focus();
        box.select();
      }
      return;
    }
    const hit = target.closest && target.closest("#directory-results .hit");
    const inSearch = target.closest && target.closest("#directory-search");
    if (inSearch && event.key === "ArrowDown" && target.tagName === "INPUT" && target.type !== "checkbox") {
      if (hits().length) {
        event.preventDefault();
        focusHit(0);
      }
      return;
    }
    if (!hit || hit !== target) return; // keys below act on a focused result, not its buttons
    const index = hits().indexOf(hit);
    if (event.key === "ArrowDown" || event.key === "j") {
      event.preventDefault();
      focusHit(index + 1);
    } else if (event.key === "ArrowUp" || event.key === "k") {
      event.preventDefault();
      if (index === 0) searchBox()?.focus();
      else focusHit(index - 1);
    } else if (event.key === "Enter") {
      event.preventDefault();
      hit.querySelector("a.hit-link")?.click();
    } else if (event.key === "r") {
      const button = hit.querySelector("button.refer:not([disabled])");
      if (button) {
        event.preventDefault();
        button.click();
      }
    } else if (event.key === "Escape") {
      searchBox()?.focus();
    }
  });

  // Referrals chosen for a contact that is not saved yet wait in the form as hidden inputs.
  function queuedIds() {
    return Array.from(document.querySelectorAll("#referral-queue-list li")).map((li) => li.dataset.service);
  }

  function givenIds() {
    const given = document.getElementById("referrals-given");
    return given ? (given.dataset.referred || "").split(/\s+/).filter(Boolean) : [];
  }

  function markButtons() {
    const done = new Set([...queuedIds(), ...givenIds()]);
    document.querySelectorAll("#directory-results button.refer[data-refer]").forEach((button) => {
      const referred = done.has(button.dataset.refer);
      button.disabled = referred;
      button.classList.toggle("done", referred);
      button.textContent = referred ? "Referred ✓" : "Refer";
    });
  }

  function queue(button) {
    const list = document.getElementById("referral-queue-list");
    if (!list || queuedIds().includes(button.dataset.refer)) return;
    const li = document.createElement("li");
    li.dataset.service = button.dataset.refer;
    const input = document.createElement("input");
    input.type = "hidden";
    input.name = "referral_services";
    input.value = button.dataset.refer;
    input.setAttribute("form", "contact-form");
    const remove = document.createElement("button");
    remove.type = "button";
    remove.className = "linklike unqueue";
    remove.textContent = "Remove";
    li.append(input, document.createTextNode(button.dataset.name + " "), remove);
    list.append(li);
    markButtons();
  }

  document.addEventListener("click", (event) => {
    const refer = event.target.closest("button.refer[data-refer]");
    if (refer && !refer.hasAttribute("hx-post")) {
      queue(refer);
      return;
    }
    // "Nothing matches every filter. Relax one:" sets that one field and searches again
    const relax = event.target.closest("#directory-results button.relax[data-field]");
    const searchForm = document.getElementById("directory-search");
    if (relax && searchForm) {
      const field = searchForm.elements[relax.dataset.field];
      if (field) {
        if (field.type === "checkbox") field.checked = false;
        else field.value = relax.dataset.value;
        searchForm.dispatchEvent(new Event("change", { bubbles: true }));
      }
      return;
    }
    const unqueue = event.target.closest("#referral-queue-list button.unqueue");
    if (unqueue) {
      unqueue.closest("li").remove();
      markButtons();
    }
  });

  document.addEventListener("htmx:afterSwap", markButtons);

  // Beside a new contact, the panel follows the contact's ZIP code, city, state and language
  // until the advocate types into the panel's own fields.
  const panel = document.getElementById("directory-search");
  const contactForm = document.getElementById("contact-form");
  if (panel && contactForm) {
    const near = panel.querySelector("input[name=near]");
    const language = panel.querySelector("input[name=language]");
    [near, language].forEach((el) => el && el.addEventListener("input", () => (el.dataset.touched = "1")));
    const value = (name) => (contactForm.elements[name] ? contactForm.elements[name].value.trim() : "");
    // as soon as it is typed (after a short pause), not only when the field is left
    let typing;
    contactForm.addEventListener("input", (event) => {
      if (!["postal_code", "city", "state", "language"].includes(event.target.name)) return;
      clearTimeout(typing);
      typing = setTimeout(() => follow(event.target.name), 400);
    });
    contactForm.addEventListener("change", (event) => follow(event.target.name));
    function follow(name) {
      let changed = false;
      if (near && !near.dataset.touched && ["postal_code", "city", "state"].includes(name)) {
        const zip = value("postal_code");
        const text = zip || (value("city") && value("state") ? `${value("city")}, ${value("state")}` : value("state"));
        if (text !== near.value) {
          near.value = text;
          changed = true;
        }
      }
      if (language && !language.dataset.touched && name === "language") {
        const tag = value("language");
        const text = tag.toLowerCase().split("-")[0] === "en" ? "" : tag;
        if (text !== language.value) {
          language.value = text;
          changed = true;
        }
      }
      if (changed) panel.dispatchEvent(new Event("change", { bubbles: true }));
    }
  }
})();

// Live chat on the conversation page: new messages appear as they arrive, and the reply form
// sends over the socket (intake/chat.py). Text only, never HTML.
(function () {
  "use strict";
  const thread = document.querySelector("ol.thread[data-chat-socket]");
  if (!thread) return;
  const presence = document.getElementById("chat-presence");
  const form = document.getElementById("reply-form");
  const input = document.getElementById("reply-body");
  const scheme = window.location.protocol === "https:" ? "wss://" : "ws://";
  let socket;
  const said = { connected: "The visitor is here.", disconnected: "The visitor's connection dropped.",
                 left: "The visitor has left this chat." };

  function add(message) {
    const li = document.createElement("li");
    li.className = "msg " + (message.inbound ? "in" : "out");
    li.dataset.status = message.inbound ? "received" : "sent";
    const meta = document.createElement("div");
    meta.className = "meta";
    meta.textContent = (message.inbound ? "Them" : message.author) + " · now";
    const body = document.createElement("div");
    body.className = "body";
    body.textContent = message.body;
    li.append(meta, body);
    thread.append(li);
  }
  function connect() {
    socket = new WebSocket(scheme + window.location.host + thread.dataset.chatSocket);
    socket.onmessage = (event) => {
      const data = JSON.parse(event.data);
      if (data.type === "message") add(data);
      else if (data.type === "presence" && presence) presence.textContent = said[data.visitor] || "";
      else if (data.type === "error" && presence) presence.textContent = data.error;
    };
    socket.onclose = (event) => { if (event.code !== 4403) setTimeout(connect, 2000); };
  }
  if (form && input) {
    form.addEventListener("submit", (event) => {
      if (!socket || socket.readyState !== WebSocket.OPEN) return; // the ordinary POST then
      event.preventDefault();
      const text = input.value.trim();
      if (!text) return;
      socket.send(JSON.stringify({ type: "message", body: text }));
      input.value = "";
    });
  }
  connect();
})();

// --- Routing: offers and the supervisor board update live ---------------------------------------
// An element with data-routing-socket opens that WebSocket; each "changed" message fires a
// "routing-changed" event on <body>, which the routing bar and the board (hx-trigger) answer by
// fetching their partial again. Bursts are coalesced; a dropped socket reconnects with backoff,
// and the partials also refresh on a timer, so a missed message costs seconds, not a contact.
(() => {
  const paths = Array.from(document.querySelectorAll("[data-routing-socket]"))
    .map((el) => el.dataset.routingSocket);
  if (!paths.length) return;
  const path = paths.find((p) => p.includes("board=1")) || paths[0]; // the board's hears both
  let timer = null;
  let delay = 1000;
  const changed = () => {
    if (timer) return;
    timer = setTimeout(() => {
      timer = null;
      document.body.dispatchEvent(new Event("routing-changed"));
    }, 150);
  };
  const connect = () => {
    const scheme = location.protocol === "https:" ? "wss:" : "ws:";
    const socket = new WebSocket(`${scheme}//${location.host}${path}`);
    socket.onopen = () => { delay = 1000; changed(); };
    socket.onmessage = changed;
    socket.onclose = (event) => {
      if (event.code === 4403) return;
      setTimeout(connect, delay);
      delay = Math.min(delay * 2, 30000);
    };
  };
  connect();
})();

// The Content-Security-Policy allows no inline styles or eval, so what templates used to say
// inline is done here.
// A choice in the directory search form (a select, checkbox or radio; not a text box, which
// searches as you type) tells htmx to search again.
document.addEventListener("change", (event) => {
  const form = event.target.closest && event.target.closest("#directory-search");
  if (!form) return;
  const t = event.target;
  if (t.tagName === "SELECT" || t.tagName === "FORM" || t.type === "checkbox" || t.type === "radio") {
    form.dispatchEvent(new CustomEvent("choice-changed"));
  }
});
// A select marked data-submit-on-change (the routing bar's presence) submits its form.
document.addEventListener("change", (event) => {
  const t = event.target;
  if (t.matches && t.matches("[data-submit-on-change]") && t.form) t.form.requestSubmit();
});
// The staffing heat map's shading comes from each cell's data-heat.
function shadeHeat(root) {
  root.querySelectorAll("[data-heat]").forEach((cell) => {
    cell.style.setProperty("--heat", cell.dataset.heat);
  });
}
document.addEventListener("DOMContentLoaded", () => shadeHeat(document));
document.addEventListener("htmx:load", (event) => shadeHeat(event.detail.elt));

// A security key or passkey registered (django-otp-webauthn's script): on to the account page.
document.addEventListener("otp_webauthn.register_complete", () => {
  const section = document.getElementById("security-key");
  if (section && section.dataset.next) window.location.assign(section.dataset.next);
});
// --- Small screens and assistive technology -------------------------------------------------------
// The menu collapses behind a button below 60rem (console.css); without script it stays open.
// A table wider than its box scrolls inside a focusable, named region, never the page. After a
// failed form, focus goes to the first field in error. A contact offered to the advocate is
// announced once (a polite-to-interrupt live region outside the polled bar), not on every poll.
(() => {
  const toggle = document.querySelector("header.top .menu-toggle");
  if (toggle) {
    toggle.hidden = false;
    toggle.addEventListener("click", () => {
      toggle.setAttribute("aria-expanded", String(toggle.getAttribute("aria-expanded") !== "true"));
    });
    document.addEventListener("keydown", (event) => {
      if (event.key === "Escape" && toggle.getAttribute("aria-expanded") === "true") {
        toggle.setAttribute("aria-expanded", "false");
        toggle.focus();
      }
    });
  }

  function nameOf(table) {
    const caption = table.querySelector("caption");
    if (caption) return caption.textContent.trim();
    if (table.getAttribute("aria-label")) return table.getAttribute("aria-label");
    let el = table.closest(".scroll") || table;
    while (el && el !== document.body) {
      let prev = el.previousElementSibling;
      while (prev) {
        if (/^H[1-6]$/.test(prev.tagName)) return prev.textContent.trim();
        const inner = prev.querySelector && prev.querySelector("h1, h2, h3, h4");
        if (inner) return inner.textContent.trim();
        prev = prev.previousElementSibling;
      }
      el = el.parentElement;
    }
    return document.title;
  }
  function wrapTables(root) {
    root.querySelectorAll("main table").forEach((table) => {
      let box = table.parentElement;
      if (!box.classList.contains("scroll")) {
        box = document.createElement("div");
        box.className = "scroll";
        table.replaceWith(box);
        box.append(table);
      }
      const scrolls = box.scrollWidth > box.clientWidth + 1;
      if (scrolls && !box.hasAttribute("tabindex")) {
        box.tabIndex = 0;
        box.setAttribute("role", "region");
        box.setAttribute("aria-label", nameOf(table) + " (scrolls sideways)");
      } else if (!scrolls && box.getAttribute("role") === "region") {
        box.removeAttribute("tabindex");
        box.removeAttribute("role");
        box.removeAttribute("aria-label");
      }
    });
  }
  wrapTables(document);
  document.addEventListener("htmx:afterSettle", () => wrapTables(document));
  let resizing = null;
  window.addEventListener("resize", () => {
    clearTimeout(resizing);
    resizing = setTimeout(() => wrapTables(document), 150);
  });

  const invalid = document.querySelector(
    "main .errorlist, main [aria-invalid=true], main .banner.error[role=alert]"
  );
  if (invalid) {
    const scope = invalid.closest("form") || document.querySelector("main form") || document;
    const firstError = scope.querySelector(".errorlist");
    const holder = firstError && (firstError.closest(".field, fieldset") || firstError.parentElement);
    const field = holder && holder.querySelector("input:not([type=hidden]), select, textarea");
    if (field) field.focus();
    else if (invalid.matches(".banner")) {
      invalid.tabIndex = -1;
      invalid.focus();
    }
  }

  const announcer = document.getElementById("offer-announcer");
  if (announcer) {
    let said = "";
    const announce = () => {
      const offer = document.querySelector("#routing-bar [data-offer]");
      const id = offer ? offer.dataset.offer : "";
      if (id && id !== said) announcer.textContent = offer.dataset.announce || offer.textContent.replace(/\s+/g, " ").trim();
      if (!id) announcer.textContent = "";
      said = id;
    };
    document.addEventListener("htmx:afterSettle", announce);
  }
})();
