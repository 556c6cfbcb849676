// Placeholder shell until the dashboard issue: shows that the SPA and the API share an origin.
const statusBadge = document.querySelector<HTMLSpanElement>('#status');

async function showReadiness(): Promise<void> {
  if (!statusBadge) return;
  try {
    const res = await fetch('/readyz');
    statusBadge.textContent = res.ok ? 'ready' : 'degraded';
  } catch {
    statusBadge.textContent = 'unreachable';
  }
}

void showReadiness();
