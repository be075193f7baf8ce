// The sio chat page. It talks to the Go server with the real socket.io-client
// browser bundle (window.io, from /vendor/socket.io.min.js).
//
// Query parameters: ?transport=polling or ?transport=websocket forces one
// transport (default: polling upgraded to WebSocket); ?user=NAME sets the
// name; ?room=NAME joins a room on load.
"use strict";

(() => {
  const $ = (sel) => document.querySelector(sel);
  const params = new URLSearchParams(location.search);
  const forced = params.get("transport");
  const transports = forced === "polling" || forced === "websocket" ? [forced] : ["polling", "websocket"];

  // State, exposed as window.chat for debugging and the browser tests.
  const state = {
    rooms: new Map(), // room -> {messages: [{...msg, history, system}], typing: Set}
    current: null,
    acked: new Map(), // message id -> ack text, for acks that beat their message
    events: [], // [{type, detail}]
    typingRoom: null,
    typingTimer: null,
  };

  const username = $("#username");
  username.value = params.get("user") || "guest-" + Math.floor(Math.random() * 9000 + 1000);

  const socket = io({
    transports,
    upgrade: transports.length > 1,
    auth: { username: username.value },
    reconnectionDelayMax: 5000,
  });
  window.chat = { socket, state };

  // --- connection state, transport, events log --------------------------

  function logEvent(type, detail, bad) {
    state.events.push({ type, detail });
    const li = document.createElement("li");
    li.textContent = `${new Date().toLocaleTimeString()} ${type}${detail ? ": " + detail : ""}`;
    if (bad) li.className = "bad";
    $("#log").prepend(li);
    while ($("#log").children.length > 100) $("#log").lastChild.remove();
  }

  function setState(name, detail) {
    const el = $("#state");
    el.textContent = detail ? `${name} (${detail})` : name;
    el.className = "badge state-" + name;
    el.dataset.state = name;
    refreshControls();
  }

  function refreshControls() {
    const connected = socket.connected;
    $("#text").disabled = !connected || !state.current;
    $("#send").disabled = !connected || !state.current;
    $("#join").disabled = !connected;
    $("#disconnect").textContent = socket.active ? "disconnect" : "connect";
  }

  function showTransport() {
    const name = socket.io.engine ? socket.io.engine.transport.name : "–";
    $("#transport").textContent = name + (forced ? " (forced)" : "");
    $("#transport").dataset.transport = name;
  }

  socket.on("connect", () => {
    setState("connected");
    $("#sid").textContent = socket.id;
    showTransport();
    logEvent("connect", "as " + socket.auth.username + " over " + socket.io.engine.transport.name);
    socket.io.engine.once("upgrade", (t) => {
      showTransport();
      logEvent("upgrade", t.name);
    });
    // The server forgets a connection's rooms when it goes: join them again.
    for (const room of state.rooms.keys()) socket.emit("join", room, username.value);
  });
  socket.on("disconnect", (reason) => {
    setState("disconnected", reason);
    $("#sid").textContent = "";
    $("#transport").textContent = "no transport";
    $("#transport").dataset.transport = "";
    logEvent("disconnect", reason, true);
  });
  socket.on("connect_error", (err) => {
    setState("error", err.message);
    logEvent("connect_error", err.message, true);
  });
  socket.io.on("reconnect_attempt", (n) => {
    setState("connecting", "attempt " + n);
  });

  $("#disconnect").addEventListener("click", () => {
    if (socket.active) socket.disconnect();
    else socket.connect();
    refreshControls();
  });
  $("#reconnect").addEventListener("click", () => {
    socket.auth.username = username.value;
    socket.disconnect().connect();
  });

  // --- rooms ------------------------------------------------------------

  function roomState(room) {
    let r = state.rooms.get(room);
    if (!r) {
      r = { messages: [], typing: new Set() };
      state.rooms.set(room, r);
    }
    return r;
  }

  function renderRooms() {
    const ul = $("#rooms");
    ul.replaceChildren();
    for (const [room, r] of state.rooms) {
      const li = document.createElement("li");
      li.dataset.room = room;
      if (room === state.current) li.className = "current";
      const name = document.createElement("span");
      name.textContent = "# " + room + (r.unread ? ` (${r.unread})` : "");
      const leave = document.createElement("button");
      leave.type = "button";
      leave.className = "link leave";
      leave.title = "leave " + room;
      leave.textContent = "leave";
      leave.addEventListener("click", (ev) => {
        ev.stopPropagation();
        leaveRoom(room);
      });
      li.append(name, leave);
      li.addEventListener("click", () => selectRoom(room));
      ul.append(li);
    }
  }

  function selectRoom(room) {
    state.current = room;
    if (room) roomState(room).unread = 0;
    $("#current").textContent = room ? "# " + room : "join a room to chat";
    renderRooms();
    renderMessages();
    renderTyping();
    refreshControls();
  }

  $("#join-form").addEventListener("submit", async (ev) => {
    ev.preventDefault();
    const room = $("#room").value.trim();
    if (!room) return;
    try {
      const res = await socket.timeout(5000).emitWithAck("join", room, username.value);
      if (!res.ok) logEvent("join refused", res.error, true);
    } catch (err) {
      logEvent("join", err.message, true);
    }
  });

  async function leaveRoom(room) {
    try {
      const res = await socket.timeout(5000).emitWithAck("leave", room);
      if (!res.ok) logEvent("leave refused", res.error, true);
    } catch (err) {
      logEvent("leave", err.message, true);
    }
    state.rooms.delete(room);
    logEvent("left", room);
    if (state.current === room) selectRoom(state.rooms.keys().next().value || null);
    else renderRooms();
  }

  socket.on("joined", (room, history) => {
    const r = roomState(room);
    r.messages = history.map((m) => ({ ...m, history: true }));
    r.messages.push({ system: true, text: `you joined # ${room} as ${username.value}` });
    logEvent("joined", `${room} (${history.length} earlier messages)`);
    selectRoom(room);
  });
  socket.on("user-joined", (room, user) => systemMessage(room, `${user} joined`));
  socket.on("user-left", (room, user) => {
    const r = state.rooms.get(room);
    if (r) r.typing.delete(user);
    systemMessage(room, `${user} left`);
    renderTyping();
  });

  // --- messages -----------------------------------------------------------

  function systemMessage(room, text) {
    const r = state.rooms.get(room);
    if (!r) return;
    const m = { system: true, text };
    r.messages.push(m);
    if (room === state.current) $("#messages").append(messageItem(m));
  }

  function messageItem(m) {
    const li = document.createElement("li");
    if (m.system) {
      li.className = "system";
      li.textContent = m.text;
      return li;
    }
    li.className = "msg" + (m.history ? " history" : "") + (m.user === username.value ? " mine" : "");
    li.dataset.id = m.id;
    const time = document.createElement("span");
    time.className = "time";
    time.textContent = new Date(m.time).toLocaleTimeString();
    const user = document.createElement("span");
    user.className = "user";
    user.textContent = m.user;
    const text = document.createElement("span");
    text.className = "text";
    text.textContent = m.text;
    li.append(time, user, text);
    const ack = state.acked.get(m.id);
    if (ack) li.append(ackBadge(ack));
    return li;
  }

  function ackBadge(text) {
    const span = document.createElement("span");
    span.className = "ack ok";
    span.textContent = text;
    return span;
  }

  function renderMessages() {
    const ol = $("#messages");
    const r = state.current && state.rooms.get(state.current);
    ol.replaceChildren(...(r ? r.messages.map(messageItem) : []));
    ol.scrollTop = ol.scrollHeight;
  }

  socket.on("message", (room, m) => {
    state.events.push({ type: "message", detail: { room, id: m.id, user: m.user, text: m.text } });
    const r = state.rooms.get(room);
    if (!r) return;
    r.messages.push(m);
    r.typing.delete(m.user);
    if (room === state.current) {
      $("#messages").append(messageItem(m));
      $("#messages").scrollTop = $("#messages").scrollHeight;
      renderTyping();
    } else {
      r.unread = (r.unread || 0) + 1;
      renderRooms();
    }
  });

  $("#send-form").addEventListener("submit", async (ev) => {
    ev.preventDefault();
    const room = state.current;
    const text = $("#text").value;
    if (!room || !text.trim()) return;
    $("#text").value = "";
    stopTyping();
    try {
      const res = await socket.timeout(5000).emitWithAck("message", room, text);
      if (res.ok) {
        const label = "✓ acked #" + res.id;
        state.acked.set(res.id, label);
        const li = document.querySelector(`#messages li[data-id="${res.id}"]`);
        if (li && !li.querySelector(".ack")) li.append(ackBadge(label));
      } else {
        systemMessage(room, "✗ not sent: " + res.error);
      }
    } catch (err) {
      systemMessage(room, "✗ no acknowledgement: " + err.message);
    }
  });

  // --- typing -------------------------------------------------------------

  function stopTyping() {
    clearTimeout(state.typingTimer);
    if (state.typingRoom && socket.connected) socket.emit("typing", state.typingRoom, false);
    state.typingRoom = null;
  }

  $("#text").addEventListener("input", () => {
    const room = state.current;
    if (!room) return;
    if (state.typingRoom !== room) {
      stopTyping();
      state.typingRoom = room;
      socket.emit("typing", room, true);
    }
    clearTimeout(state.typingTimer);
    state.typingTimer = setTimeout(stopTyping, 3000);
  });

  function renderTyping() {
    const r = state.current && state.rooms.get(state.current);
    const users = r ? [...r.typing] : [];
    const el = $("#typing");
    el.textContent = users.length === 0 ? "" : users.join(", ") + (users.length === 1 ? " is typing…" : " are typing…");
  }

  socket.on("typing", (room, user, isTyping) => {
    const r = state.rooms.get(room);
    if (!r) return;
    if (isTyping) r.typing.add(user);
    else r.typing.delete(user);
    if (room === state.current) renderTyping();
  });

  // --- start ----------------------------------------------------------------

  setState("connecting");
  if (params.get("room")) {
    $("#room").value = params.get("room");
    socket.once("connect", () => $("#join-form").requestSubmit());
  }
})();
