return { principal = function(n) return {} end, path = function(p) return 1 end, job = function(j) j.settings = dbx.null; return j end }
