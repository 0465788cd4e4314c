// The queue player's lyrics and list, beside the st.audio player of the "queue-player" container
// (lib/ui/queue_player.py). When that player ends, Python hears "ended" (with the index that
// ended, so a late event cannot skip two songs) and draws the next song's player, which starts by
// itself. A click on a song in the list asks for that one ("jump").
// data: {player, index, title, lyrics, songs: [{title, album}], labels: {lyrics, up_next, none}}
// Every text comes from a gateway or the library: put in with textContent only (element()).

const QUEUE_VIEWS = new WeakMap();

class QueueView {
  constructor(root, setTriggerValue) {
    this.setTriggerValue = setTriggerValue;
    this.index = -1;
    this.box = element("div", "queue");
    this.lyricsHead = element("div", "label");
    this.lyrics = element("div", "lyrics");
    this.listHead = element("div", "label");
    this.list = element("ol", "songs");
    this.box.append(this.lyricsHead, this.lyrics, this.listHead, this.list);
    (root.querySelector(".queue-root") || root).appendChild(this.box);
    this.follow = playerListeners({
      ended: () => this.setTriggerValue("ended", this.index),
    });
    this.stopWatching = null;
    this.cardClass = null;
  }

  update(data) {
    const labels = data.labels || {};
    this.index = Number.isInteger(data.index) ? data.index : 0;
    this.lyricsHead.textContent = labels.lyrics || "";
    this.listHead.textContent = labels.up_next || "";
    const text = String(data.lyrics || "").trim();
    this.lyrics.textContent = text || labels.none || "";
    this.lyrics.classList.toggle("empty", !text);
    this.lyrics.scrollTop = 0;
    this.list.replaceChildren();
    (data.songs || []).forEach((song, i) => {
      const item = element("li", i === this.index ? "song is-current" : "song");
      const button = element("button", "pick");
      button.type = "button";
      button.append(element("span", "title", song.title || ""), element("span", "album", song.album || ""));
      if (i === this.index) button.setAttribute("aria-current", "true");
      button.onclick = () => this.setTriggerValue("jump", i);
      item.appendChild(button);
      this.list.appendChild(item);
    });
    const current = this.list.children[this.index];
    if (current) this.list.scrollTop = Math.max(0, current.offsetTop - this.list.offsetTop - 40);
    if (data.player !== this.cardClass) {
      this.cardClass = data.player;
      if (this.stopWatching) this.stopWatching();
      // The player is redrawn on every rerun (a new song): follow whichever <audio> is there now.
      this.stopWatching = watchPlayers([data.player], ([player]) => this.follow(player));
    }
  }

  destroy() {
    if (this.stopWatching) this.stopWatching();
    this.follow(null);
    this.box.remove();
  }
}

export default function (component) {
  const { data, parentElement, setTriggerValue } = component;
  let view = QUEUE_VIEWS.get(parentElement);
  if (!view) {
    view = new QueueView(parentElement, setTriggerValue);
    QUEUE_VIEWS.set(parentElement, view);
  }
  view.setTriggerValue = setTriggerValue;
  view.update(data || {});
  return () => {
    view.destroy();
    QUEUE_VIEWS.delete(parentElement);
  };
}
