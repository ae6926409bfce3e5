// A few DOM helpers: elements by hand, text set only when it changes (no relayout for equal numbers), and lists
// keyed by id that keep their rows as data changes.

export function h(tag, props = {}, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(props)) {
    if (value === undefined || value === null || value === false) continue;
    if (key === 'class') el.className = value;
    else if (key === 'text') el.textContent = value;
    else if (key.startsWith('on')) el.addEventListener(key.slice(2), value);
    else el.setAttribute(key, value === true ? '' : value);
  }
  for (const child of children.flat()) {
    if (child !== null && child !== undefined && child !== false) el.append(child);
  }
  return el;
}

/** A panel of the page: a section named by its heading, the heading's id being `${name}-title`. */
export function panel(name, title, ...children) {
  const id = `${name}-title`;
  return h('section', { class: `panel ${name}`, 'aria-labelledby': id }, h('h2', { id, text: title }), ...children);
}

export function setText(el, text) {
  if (el.textContent !== text) el.textContent = text;
}

export function setAttr(el, name, value) {
  if (value === null || value === undefined) {
    if (el.hasAttribute(name)) el.removeAttribute(name);
  } else if (el.getAttribute(name) !== String(value)) {
    el.setAttribute(name, value);
  }
}

export function setClass(el, name, on) {
  if (el.classList.contains(name) !== on) el.classList.toggle(name, on);
}

/**
 * Makes container's children the rows of items, in order: a row is made once per key by create(item) and brought up
 * to date by update(row, item); rows whose key is gone are removed.
 */
export function keyed(container, items, keyOf, create, update) {
  const rows = container.keyedRows ?? (container.keyedRows = new Map());
  const seen = new Set();
  let cursor = container.firstElementChild;
  for (const item of items) {
    const key = keyOf(item);
    seen.add(key);
    let row = rows.get(key);
    if (!row) {
      row = create(item);
      rows.set(key, row);
    }
    update(row, item);
    if (row !== cursor) container.insertBefore(row, cursor);
    else cursor = cursor.nextElementSibling;
  }
  for (const [key, row] of rows) {
    if (!seen.has(key)) {
      row.remove();
      rows.delete(key);
    }
  }
}

const svgNs = 'http://www.w3.org/2000/svg';

export function s(tag, attrs = {}) {
  const el = document.createElementNS(svgNs, tag);
  for (const [key, value] of Object.entries(attrs)) el.setAttribute(key, value);
  return el;
}

export function escapeXml(text) {
  return String(text).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
