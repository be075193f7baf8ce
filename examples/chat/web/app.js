// The sio chat example's page: a Socket.IO client of the Go chat server,
// using the real socket.io-client browser bundle (the global io, from
// /vendor/socket.io.min.js), typed with the events siogen generated from
// the Go consumer (events.ts, written by `make generate`). A wrong event
// name or argument type here is a compile error. tsc compiles this file to
// app.js next to index.html (`make chat-web`): edit this one, not app.js.
//
// Query parameters: ?transport=polling or ?transport=websocket forces one
// transport (default: polling upgraded to WebSocket); ?user=NAME sets the
// name; ?room=NAME joins a room on load.
import { ChatNamespace } from "./events.js";
/** How long a request waits for its acknowledgement, in milliseconds. */
const ackTimeout = 5000;
/** The element sel selects, which index.html has. */
function $(sel) {
    const el = document.querySelector(sel);
    if (!el)
        throw new Error(`chat: no ${sel} in the page`);
    return el;
}
const params = new URLSearchParams(location.search);
const forced = params.get("transport");
const transports = forced === "polling" || forced === "websocket" ? [forced] : ["polling", "websocket"];
const state = {
    rooms: new Map(),
    current: null,
    acked: new Map(),
    events: [],
    typingRoom: null,
    typingTimer: undefined,
};
const username = $("#username");
const roomInput = $("#room");
const textInput = $("#text");
const sendButton = $("#send");
const joinButton = $("#join");
const disconnectButton = $("#disconnect");
const messagesList = $("#messages");
username.value = params.get("user") || "guest-" + Math.floor(Math.random() * 9000 + 1000);
// The socket's auth option is this object: a reconnection sends its
// current username.
const auth = { username: username.value };
// ackTimeout bounds every emitWithAck, which then resolves to the
// acknowledgement's type (Result); socket.timeout(ms).emitWithAck would
// resolve to any, as socket.io-client's typings stand.
const socket = io(location.origin + ChatNamespace, {
    transports,
    upgrade: transports.length > 1,
    auth,
    ackTimeout,
    reconnectionDelayMax: 5000,
});
window.chat = { socket, state };
// --- connection state, transport, events log --------------------------
function errorText(err) {
    return err instanceof Error ? err.message : String(err);
}
function logEvent(type, detail, bad) {
    state.events.push({ type, detail });
    const li = document.createElement("li");
    li.textContent = `${new Date().toLocaleTimeString()} ${type}${detail ? ": " + detail : ""}`;
    if (bad)
        li.className = "bad";
    const log = $("#log");
    log.prepend(li);
    while (log.children.length > 100)
        log.lastElementChild?.remove();
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
    textInput.disabled = !connected || !state.current;
    sendButton.disabled = !connected || !state.current;
    joinButton.disabled = !connected;
    disconnectButton.textContent = socket.active ? "disconnect" : "connect";
}
function showTransport() {
    const name = socket.io.engine ? socket.io.engine.transport.name : "–";
    const el = $("#transport");
    el.textContent = name + (forced ? " (forced)" : "");
    el.dataset.transport = name;
}
socket.on("connect", () => {
    setState("connected");
    $("#sid").textContent = socket.id ?? "";
    showTransport();
    logEvent("connect", "as " + auth.username + " over " + socket.io.engine.transport.name);
    socket.io.engine.once("upgrade", (t) => {
        showTransport();
        logEvent("upgrade", t.name);
    });
    // The server forgets a connection's rooms when it goes: join them again.
    for (const room of state.rooms.keys())
        void request("join", () => socket.emitWithAck("join", room, username.value));
});
socket.on("disconnect", (reason) => {
    setState("disconnected", reason);
    $("#sid").textContent = "";
    const el = $("#transport");
    el.textContent = "no transport";
    el.dataset.transport = "";
    logEvent("disconnect", reason, true);
});
socket.on("connect_error", (err) => {
    setState("error", err.message);
    logEvent("connect_error", err.message, true);
});
socket.io.on("reconnect_attempt", (n) => {
    setState("connecting", "attempt " + n);
});
disconnectButton.addEventListener("click", () => {
    if (socket.active)
        socket.disconnect();
    else
        socket.connect();
    refreshControls();
});
$("#reconnect").addEventListener("click", () => {
    auth.username = username.value;
    socket.auth = auth;
    socket.disconnect().connect();
});
// request awaits the acknowledgement of a request (join, leave), logging a
// refusal or a timeout; it returns the acknowledgement, or null after a
// timeout.
async function request(what, send) {
    try {
        const res = await send();
        if (!res.ok)
            logEvent(what + " refused", res.error, true);
        return res;
    }
    catch (err) {
        logEvent(what, errorText(err), true);
        return null;
    }
}
// --- rooms ------------------------------------------------------------
function roomState(room) {
    let r = state.rooms.get(room);
    if (!r) {
        r = { lines: [], typing: new Set(), unread: 0 };
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
        if (room === state.current)
            li.className = "current";
        const name = document.createElement("span");
        name.textContent = "# " + room + (r.unread ? ` (${r.unread})` : "");
        const leave = document.createElement("button");
        leave.type = "button";
        leave.className = "link leave";
        leave.title = "leave " + room;
        leave.textContent = "leave";
        leave.addEventListener("click", (ev) => {
            ev.stopPropagation();
            void leaveRoom(room);
        });
        li.append(name, leave);
        li.addEventListener("click", () => selectRoom(room));
        ul.append(li);
    }
}
function selectRoom(room) {
    state.current = room;
    if (room)
        roomState(room).unread = 0;
    $("#current").textContent = room ? "# " + room : "join a room to chat";
    renderRooms();
    renderMessages();
    renderTyping();
    refreshControls();
}
$("#join-form").addEventListener("submit", (ev) => {
    ev.preventDefault();
    const room = roomInput.value.trim();
    if (!room)
        return;
    void request("join", () => socket.emitWithAck("join", room, username.value));
});
async function leaveRoom(room) {
    await request("leave", () => socket.emitWithAck("leave", room));
    state.rooms.delete(room);
    logEvent("left", room);
    if (state.current === room)
        selectRoom(state.rooms.keys().next().value ?? null);
    else
        renderRooms();
}
socket.on("joined", (room, history) => {
    const r = roomState(room);
    const earlier = history ?? [];
    r.lines = earlier.map((m) => ({ ...m, history: true }));
    r.lines.push({ system: true, text: `you joined # ${room} as ${username.value}` });
    logEvent("joined", `${room} (${earlier.length} earlier messages)`);
    selectRoom(room);
});
socket.on("user-joined", (room, user) => systemMessage(room, `${user} joined`));
socket.on("user-left", (room, user) => {
    state.rooms.get(room)?.typing.delete(user);
    systemMessage(room, `${user} left`);
    renderTyping();
});
// --- messages -----------------------------------------------------------
function systemMessage(room, text) {
    const r = state.rooms.get(room);
    if (!r)
        return;
    const line = { system: true, text };
    r.lines.push(line);
    if (room === state.current)
        messagesList.append(lineItem(line));
}
function lineItem(line) {
    const li = document.createElement("li");
    if (line.system) {
        li.className = "system";
        li.textContent = line.text;
        return li;
    }
    li.className = "msg" + (line.history ? " history" : "") + (line.user === username.value ? " mine" : "");
    li.dataset.id = String(line.id);
    const time = document.createElement("span");
    time.className = "time";
    time.textContent = new Date(line.time).toLocaleTimeString();
    const user = document.createElement("span");
    user.className = "user";
    user.textContent = line.user;
    const text = document.createElement("span");
    text.className = "text";
    text.textContent = line.text;
    li.append(time, user, text);
    const ack = state.acked.get(line.id);
    if (ack)
        li.append(ackBadge(ack));
    return li;
}
function ackBadge(text) {
    const span = document.createElement("span");
    span.className = "ack ok";
    span.textContent = text;
    return span;
}
function renderMessages() {
    const r = state.current ? state.rooms.get(state.current) : undefined;
    messagesList.replaceChildren(...(r ? r.lines.map(lineItem) : []));
    messagesList.scrollTop = messagesList.scrollHeight;
}
socket.on("message", (room, m) => {
    state.events.push({ type: "message", detail: { room, id: m.id, user: m.user, text: m.text } });
    const r = state.rooms.get(room);
    if (!r)
        return;
    r.lines.push(m);
    r.typing.delete(m.user);
    if (room === state.current) {
        messagesList.append(lineItem(m));
        messagesList.scrollTop = messagesList.scrollHeight;
        renderTyping();
    }
    else {
        r.unread++;
        renderRooms();
    }
});
$("#send-form").addEventListener("submit", async (ev) => {
    ev.preventDefault();
    const room = state.current;
    const text = textInput.value;
    if (!room || !text.trim())
        return;
    textInput.value = "";
    stopTyping();
    try {
        const res = await socket.emitWithAck("message", room, text);
        if (res.ok && res.id !== undefined) {
            const label = "✓ acked #" + res.id;
            state.acked.set(res.id, label);
            const li = document.querySelector(`#messages li[data-id="${res.id}"]`);
            if (li && !li.querySelector(".ack"))
                li.append(ackBadge(label));
        }
        else {
            systemMessage(room, "✗ not sent: " + res.error);
        }
    }
    catch (err) {
        systemMessage(room, "✗ no acknowledgement: " + errorText(err));
    }
});
// --- typing -------------------------------------------------------------
function stopTyping() {
    clearTimeout(state.typingTimer);
    if (state.typingRoom && socket.connected)
        socket.emit("typing", state.typingRoom, false);
    state.typingRoom = null;
}
textInput.addEventListener("input", () => {
    const room = state.current;
    if (!room)
        return;
    if (state.typingRoom !== room) {
        stopTyping();
        state.typingRoom = room;
        socket.emit("typing", room, true);
    }
    clearTimeout(state.typingTimer);
    state.typingTimer = setTimeout(stopTyping, 3000);
});
function renderTyping() {
    const r = state.current ? state.rooms.get(state.current) : undefined;
    const users = r ? [...r.typing] : [];
    $("#typing").textContent =
        users.length === 0 ? "" : users.join(", ") + (users.length === 1 ? " is typing…" : " are typing…");
}
socket.on("typing", (room, user, isTyping) => {
    const r = state.rooms.get(room);
    if (!r)
        return;
    if (isTyping)
        r.typing.add(user);
    else
        r.typing.delete(user);
    if (room === state.current)
        renderTyping();
});
// --- start ----------------------------------------------------------------
setState("connecting");
const initialRoom = params.get("room");
if (initialRoom) {
    roomInput.value = initialRoom;
    socket.once("connect", () => $("#join-form").requestSubmit());
}
