// Placeholder shell until the dashboard issue: shows that the SPA and the API share an origin.
const status = document.querySelector<HTMLSpanElement>('#status');

async function showReadiness(): Promise<void> {
  if (!status) return;
  try {
    const res = await fetch('/readyz');
    status.textContent = res.ok ? 'ready' : 'degraded';
  } catch {
    status.textContent = 'unreachable';
  }
}

void showReadiness();
