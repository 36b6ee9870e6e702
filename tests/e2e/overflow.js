() => {
  const vw = window.innerWidth;
  const clipped = (e) => { for (let a = e.parentElement; a && a.getAttribute("data-testid") !== "stMainBlockContainer"; a = a.parentElement) {
      const s = getComputedStyle(a);
      if (['auto', 'scroll', 'hidden', 'clip'].includes(s.overflowX) && a.getBoundingClientRect().right <= vw + 1) return true; }
    return false; };
  const bad = [...document.querySelectorAll('[data-testid="stMainBlockContainer"] *')].filter(e => {
      const r = e.getBoundingClientRect(); return r.width > 0 && r.right > vw + 1 && !clipped(e); });
  return bad.slice(0, 8).map(e => (e.getAttribute('data-testid') || e.tagName) + ':' + Math.round(e.getBoundingClientRect().right) + ':' + (e.className && e.className.baseVal === undefined ? String(e.className).slice(0, 40) : ''));
}
