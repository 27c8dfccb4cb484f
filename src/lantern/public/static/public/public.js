// The public pages' script: Quick exit (button, or Esc three times), one history entry for the
// whole visit, and the proof of work forms carry (core/pow.py). No library.
(function () {
  "use strict";
  const neutral = "https://www.weather.gov/";
  function leave(event) {
    if (event) event.preventDefault();
    // end a follow-up session, so Back cannot show the report again (its pages are no-store)
    if (navigator.sendBeacon) {
      navigator.sendBeacon("/tip/follow-up/leave/");
      navigator.sendBeacon("/chat/leave/");
    }
    // replace this page in the history: with every page of the visit replacing the one before,
    // the hotline leaves no entry to go Back to
    window.location.replace(neutral);
  }
  document.querySelectorAll("[data-quick-exit]").forEach((a) => a.addEventListener("click", leave));
  let escapes = 0, timer = null;
  document.addEventListener("keydown", (event) => {
    if (event.key !== "Escape") return;
    escapes += 1;
    clearTimeout(timer);
    timer = setTimeout(() => { escapes = 0; }, 1500);
    if (escapes >= 3) leave();
  });

  // One history entry for the whole visit: a link to another page of the site replaces this
  // page instead of adding an entry after it.
  document.addEventListener("click", (event) => {
    const a = event.target.closest("a[href]");
    if (!a || a.hasAttribute("data-quick-exit") || a.hasAttribute("download") || a.target) return;
    if (event.button !== 0 || event.ctrlKey || event.metaKey || event.shiftKey || event.altKey) return;
    const url = new URL(a.href, window.location.href);
    if (url.origin !== window.location.origin || url.pathname.startsWith("/static/")) return;
    event.preventDefault();
    window.location.replace(url.href);
  });

  // Find a counter whose SHA-256 with the challenge starts with `bits` zero bits (core/pow.py).
  function zeroBits(bytes) {
    let bits = 0;
    for (const b of bytes) {
      if (b === 0) { bits += 8; continue; }
      return bits + Math.clz32(b) - 24;
    }
    return bits;
  }
  async function solve(challenge, bits) {
    const encoder = new TextEncoder();
    for (let start = 0; ; start += 256) {
      const batch = [];
      for (let i = start; i < start + 256; i++) {
        batch.push(crypto.subtle.digest("SHA-256", encoder.encode(challenge + ":" + i)));
      }
      const digests = await Promise.all(batch);
      for (let i = 0; i < digests.length; i++) {
        if (zeroBits(new Uint8Array(digests[i])) >= bits) return String(start + i);
      }
    }
  }

  // A form is sent in the background and its answer replaces this page: a redirect by
  // location.replace, a page with errors in place. Either way no entry is added to the history.
  async function send(form) {
    const response = await fetch(form.action, {
      method: "POST", body: new FormData(form), credentials: "same-origin",
    });
    if (response.redirected) { window.location.replace(response.url); return; }
    const html = await response.text();
    document.open();
    document.write(html);
    document.close();
  }
  document.querySelectorAll("form[method=post]").forEach((form) => {
    form.addEventListener("submit", async (event) => {
      if (event.defaultPrevented || form.dataset.sending) return;
      event.preventDefault();
      form.dataset.sending = "1";
      const button = form.querySelector("button[type=submit]");
      if (button) button.disabled = true;
      try {
        if (form.dataset.pow) {
          const status = form.querySelector("[data-pow-status]");
          if (status) status.hidden = false;
          const challenge = form.querySelector("input[name=challenge]").value;
          form.querySelector("input[name=work]").value = await solve(challenge, Number(form.dataset.pow));
        }
        await send(form);
      } catch (error) {
        // offline, or the script cannot run the work: send the ordinary way
        delete form.dataset.sending;
        if (button) button.disabled = false;
        HTMLFormElement.prototype.submit.call(form);
      }
    });
  });
})();

// Live chat: the visitor's side of the socket (intake/chat.py). Text only, never HTML.
(function () {
  "use strict";
  const form = document.getElementById("chat-form");
  if (!form) return;
  const thread = document.getElementById("chat-thread");
  const status = document.getElementById("chat-status");
  const error = document.getElementById("chat-error");
  const input = document.getElementById("chat-body");
  const scheme = window.location.protocol === "https:" ? "wss://" : "ws://";
  let socket;

  function add(message) {
    const li = document.createElement("li");
    li.className = message.inbound ? "you" : "hotline";
    const meta = document.createElement("div");
    meta.className = "meta";
    // the page's own words, in its language (chat_room.html)
    meta.textContent = message.inbound ? form.dataset.you : form.dataset.hotline;
    const body = document.createElement("div");
    body.textContent = message.body;
    li.append(meta, body);
    thread.append(li);
    li.scrollIntoView({ block: "nearest" });
  }
  function connect() {
    socket = new WebSocket(scheme + window.location.host + form.dataset.chatSocket);
    socket.onopen = () => { status.textContent = form.dataset.connected; };
    socket.onmessage = (event) => {
      const data = JSON.parse(event.data);
      if (data.type === "message") add(data);
      else if (data.type === "error") error.textContent = data.error;
    };
    socket.onclose = (event) => {
      if (event.code === 4404) { window.location.replace("/chat/"); return; }
      status.textContent = form.dataset.reconnecting;
      setTimeout(connect, 2000);
    };
  }
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const text = input.value.trim();
    if (!text || !socket || socket.readyState !== WebSocket.OPEN) return;
    error.textContent = "";
    socket.send(JSON.stringify({ type: "message", body: text }));
    input.value = "";
  });
  const leave = document.getElementById("chat-leave");
  if (leave) {
    leave.addEventListener("submit", () => {
      // tell the advocate at once; the form's POST then closes the chat for good
      if (socket && socket.readyState === WebSocket.OPEN) socket.send(JSON.stringify({ type: "leave" }));
    });
  }
  input.addEventListener("keydown", (event) => {
    if (event.key === "Enter" && !event.shiftKey) { event.preventDefault(); form.requestSubmit(); }
  });
  connect();
})();

// After a failed form, focus goes to the first field in error (its message follows the field).
(function () {
  "use strict";
  const first = document.querySelector("main .has-error");
  if (!first) return;
  const field = first.querySelector("input:not([type=hidden]), select, textarea");
  if (field) field.focus();
})();
