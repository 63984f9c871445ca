# Shared by rma_mv.R and ../robust/robust.R (sourced from the repository root).
# nlminb stops up to about 1e-6 relative from the REML/ML optimum on some of these data (the score there
# is up to 1e-3), and tighter tolerances make it report false non-convergence. The optimum is therefore
# polished by Newton steps on metafor's own log-likelihood, evaluated by rma.mv with both sigma2 fixed,
# with central-difference derivatives (step 1e-4 relative); components below 1e-6 stay at nlminb's value.
# The reported fit is rma.mv refitted with sigma2 fixed at the polished values; its fit statistics count
# the two variance components as estimated (as the unpolished fit does).
polish <- function(res, fit) {
  s <- res$sigma2
  free <- which(s > 1e-6)
  ll <- function(x) as.numeric(logLik(fit(x)))
  for (it in 1:6) {
    if (!length(free)) break
    h <- 1e-4 * s
    g <- numeric(length(free)); H <- matrix(0, length(free), length(free))
    f0 <- ll(s)
    for (a in seq_along(free)) {
      i <- free[a]; e <- replace(numeric(2), i, h[i])
      fp <- ll(s + e); fm <- ll(s - e)
      g[a] <- (fp - fm) / (2 * h[i]); H[a, a] <- (fp - 2 * f0 + fm) / h[i]^2
      for (b in seq_along(free)) if (b > a) {
        j <- free[b]; e2 <- replace(numeric(2), j, h[j])
        H[a, b] <- H[b, a] <- (ll(s + e + e2) - ll(s + e - e2) - ll(s - e + e2) + ll(s - e - e2)) / (4 * h[i] * h[j])
      }
    }
    step <- -solve(H, g)
    s[free] <- s[free] + step
    if (max(abs(step) / s[free]) < 1e-11) break
  }
  out <- fit(s)
  out$polish_shift <- max(abs(s - res$sigma2))
  out$fitstats_estimated <- fitstats(res) + (-2 * as.numeric(logLik(out))) - (-2 * as.numeric(logLik(res)))
  out$fitstats_estimated["logLik:", 1] <- as.numeric(logLik(out))
  out$unpolished <- res
  out
}

