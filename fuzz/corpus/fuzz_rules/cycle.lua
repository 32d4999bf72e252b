local t = setmetatable({}, {__index = function(t, k) return k end})
return { job = function(j, ctx) j.x = t.y; j.self = j; end, target_cloud = "gcp" }
