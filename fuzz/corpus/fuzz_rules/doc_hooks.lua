return {
	cluster_spec = function(spec, ctx)
		spec.custom_tags = spec.custom_tags or {}
		spec.custom_tags.origin = ctx.where
	end,
	policy_definition = function(def)
		local a = def["azure_attributes.availability"]
		if a then
			def["azure_attributes.availability"] = nil
			def["aws_attributes.availability"] = { type = a.type, value = (a.value:gsub("_AZURE$", "")) }
		end
	end,
	storage_location = function(url)
		if url:find("^abfss://") then
			dbx.warn("init script " .. url .. " must be copied by hand")
		end
	end,
	path = function(p) return (p:gsub("^/Users/ann@contoso%.com/", "/Users/ann@contoso-aws.com/")) end,
	job = function(job) job.settings.tags = { first = job.settings.job_clusters[1].new_cluster.custom_tags.origin } end,
}
