return {
	instance_pool = function(pool)
		pool.custom_tags = pool.custom_tags or {}
		pool.custom_tags.migrated_from = "azure"
	end,
	repo = function(repo, ctx)
		-- a new table replaces the object
		return { url = repo.url, provider = repo.provider, path = repo.path, branch = repo.branch }
	end,
}
