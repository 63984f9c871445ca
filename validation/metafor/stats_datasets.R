# Datasets used by the stats reference values (yi/vi computed by metafor's escalc).
suppressMessages(library(metafor))
bcg <- escalc(measure = "RR", ai = tpos, bi = tneg, ci = cpos, di = cneg, data = dat.bcg)
bcg <- data.frame(study = paste(bcg$author, bcg$year), yi = c(bcg$yi), vi = c(bcg$vi),
                  ablat = bcg$ablat, year = bcg$year, alloc = bcg$alloc)
nor <- escalc(measure = "MD", m1i = m1i, sd1i = sd1i, n1i = n1i, m2i = m2i, sd2i = sd2i, n2i = n2i,
              data = dat.normand1999)
nor <- data.frame(study = nor$source, yi = c(nor$yi), vi = c(nor$vi), n = nor$n1i + nor$n2i,
                  country = c("UK", "UK", "UK", "UK", "CA", "CA", "UK", "SE", "SE"))
bd <- dat.bangertdrowns2004
bd <- data.frame(study = make.unique(paste(bd$author, bd$year), sep = " #"), yi = c(bd$yi), vi = c(bd$vi), length = bd$length,
                 grade = paste0("g", bd$grade), meta = bd$meta)
datasets <- list(bcg = bcg, normand = nor, bangert = bd)
bcgc <- data.frame(study = paste(dat.bcg$author, dat.bcg$year), events1 = dat.bcg$tpos, n1 = dat.bcg$tpos + dat.bcg$tneg,
                   events2 = dat.bcg$cpos, n2 = dat.bcg$cpos + dat.bcg$cneg, ablat = dat.bcg$ablat)
