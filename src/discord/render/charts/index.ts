export { renderBarChart, type Bar, type BarChartInput } from "./bar-chart.js";
export { MAX_K_WITH_VALUES, renderCorrelationHeatmap, type CorrelationHeatmapInput } from "./heatmap.js";
export { binValues, renderHistograms, type BinnedPanel, type HistogramInput, type HistogramPanel } from "./histogram.js";
export { renderLineChart, type LineChartInput, type LinePoint, type LineSeries } from "./line-chart.js";
export { DEFAULT_SCALE, rasterizeSvg, type ChartImage, type ChartOptions } from "./render-png.js";
export { THEMES, type Theme, type ThemeName } from "./theme.js";
export { renderStackedLineChart, type LinePanel, type StackedLineChartInput } from "./stacked-line-chart.js";
