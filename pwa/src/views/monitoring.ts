// Alerts and the temperature chart as one chunk loaded on first use, outside the first load (§12).
// Measured: the chart as a chunk of its own, or either one importing hooks/usePolling.ts, made
// Vite split the first load into four files, 2 KB over the budget.
export { Alerts } from './Alerts.tsx';
export { TemperatureChart } from './TemperatureChart.tsx';
