export * from "./align.js";
export * from "./moments.js";
export * from "./eigen.js";
export * from "./portfolio.js";
export * from "./sharpe.js";
export * from "./drawdown.js";
export * from "./tail.js";
export * from "./hit-rate.js";
export * from "./summary.js";
export * from "./correlation.js";
export * from "./effective-bets.js";
export * from "./torsion.js";
export * from "./hedge.js";
export * from "./server-view.js";
export * from "./allocation.js";
export { hrpDistance, hrpWeights, quasiDiagonalOrder, singleLinkage } from "./hrp.js";
export { ledoitWolf, type LedoitWolfEstimate } from "./ledoit-wolf.js";
export {
  projectOntoCappedSimplex,
  solveCappedSimplexQp,
  type CappedSimplexQpOptions,
  type CappedSimplexQpSolution,
} from "./qp.js";
export * from "./walk-forward.js";
export * from "./prune.js";
