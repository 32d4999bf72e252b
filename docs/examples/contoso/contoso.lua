-- contoso.lua: site rules, run after the shipped ones.
-- cost_centers.csv beside it: lines team,cost-center
local COST_CENTER = {}
for _, row in ipairs(dbx.csv("cost_centers.csv")) do COST_CENTER[row[1]] = row[2] end

return {
	cluster_spec = function(spec, ctx)   -- every cluster, job cluster, task cluster
		spec.custom_tags = spec.custom_tags or {}
		spec.custom_tags["migrated-from"] = ctx.source_cloud or "azure"
		local cc = COST_CENTER[spec.custom_tags.team or ""]
		if cc then spec.custom_tags["cost-center"] = cc end
		if ctx.kind == "cluster" and (spec.autotermination_minutes or 0) == 0 then
			spec.autotermination_minutes = 60
			dbx.warn("auto-termination was off: set to 60 minutes")
		end
	end,
	job = function(job, ctx)
		if dbx.re.match(job.settings.name, "^(tmp|test)[-_]") then dbx.drop("scratch job: not migrated") end
	end,
	lint = { { value = "@contoso\\.com$", message = "old e-mail domain" } },
}
