-- fixtures/rules/engine/engine.lua: exercises every hook location and the
-- dbx library; the cases beside it pin what the engine does.
local nodes = {}
for _, row in ipairs(dbx.csv("nodes.csv")) do nodes[row[1]] = row[2] end

local function node(t, ctx)
	if t == nil then return nil end
	local n = nodes[t]
	if not n then error("unknown node type '" .. t .. "'") end
	return n
end

-- dbx library checks, run from the alert handler; the case's name picks one.
local lib = {}
function lib.re(obj)
	obj.match = dbx.re.match("Standard_DS3_v2", "^Standard_([A-Z]+)(\\d+)")
	local a, b = dbx.re.match("Standard_DS3_v2", "^Standard_([A-Z]+)(\\d+)")
	obj.captures = dbx.array({ a, b })
	obj.no_match = dbx.re.match("abc", "x") == nil
	local s, e, c = dbx.re.find("xxSPOT_AZURE", "(SPOT)_AZURE")
	obj.find = dbx.array({ s, e, c })
	obj.gsub, obj.count = dbx.re.gsub("a-b-c", "-", "+")
	obj.gsub_groups = dbx.re.gsub("john@old.com", "^(\\w+)@old\\.com$", "$1@new.com")
	obj.gsub_table = dbx.re.gsub("SPOT_AZURE ON_DEMAND_AZURE", "\\w+_AZURE", { SPOT_AZURE = "SPOT" })
	obj.gsub_func = dbx.re.gsub("abc", "b", function(m) return m:upper() end)
	obj.gsub_max = dbx.re.gsub("aaa", "a", "b", 2)
	local rx = dbx.re.compile("^standard_", "i")
	obj.compiled = rx:match("Standard_X") ~= nil
	obj.utf8 = dbx.re.gsub("héllo", "é", "e")
	obj.empty = dbx.re.gsub("ab", "", "-")
end
function lib.json(obj)
	local t = dbx.json.decode('{"b":1,"a":[],"c":{},"d":null,"e":1.0}')
	obj.roundtrip = dbx.json.encode(t)
	obj.null_is = t.d == dbx.null
	obj.empty_array = dbx.is_array(t.a)
	obj.empty_object = dbx.is_array(t.c)
	obj.new_array = dbx.json.encode(dbx.array())
	obj.new_object = dbx.json.encode({})
	obj.sequence = dbx.json.encode({ 1, 2, 3 })
	obj.sorted_new_keys = dbx.json.encode({ z = 1, a = 2 })
	obj.big = 1234567890123456789
	obj.float = 2.0
end
function lib.vars(obj)
	obj.greeting = dbx.vars.greeting or "no greeting"
	obj.missing = dbx.vars.nope == nil
end
function lib.copy(obj)
	local c = dbx.copy(obj.nested)
	c.x = 2
	obj.copy = c
end
function lib.drop() dbx.drop("alert is obsolete") end
function lib.warn(obj) dbx.warn("check alert " .. obj.display_name .. " by hand") end
function lib.error_table() error({ code = 1 }) end
function lib.bad_return() return "not a table" end
function lib.replace(obj) return { display_name = obj.display_name, replaced = true } end
function lib.ctx(obj, ctx)
	obj.ctx = { kind = ctx.kind, key = ctx.key, id = ctx.id, name = ctx.name, where = ctx.where,
		source_cloud = ctx.source_cloud, target_cloud = ctx.target_cloud,
		file_ok = dbx.re.match(ctx.file, "engine\\.lua$") ~= nil }
end
function lib.encode_function(obj) obj.f = print end
function lib.csv_error() dbx.csv("bad.csv") end
function lib.csv_missing() dbx.csv("missing.csv") end
function lib.bad_pattern() dbx.re.match("x", "(") end

return {
	target_cloud = "aws",
	cluster_spec = function(spec, ctx)
		spec.node_type_id = node(spec.node_type_id, ctx)
		spec.driver_node_type_id = node(spec.driver_node_type_id, ctx)
		if spec.azure_attributes then
			spec.aws_attributes = { availability = (dbx.re.gsub(spec.azure_attributes.availability, "_AZURE$", "")) }
			spec.azure_attributes = nil
		end
		spec.custom_tags = spec.custom_tags or {}
		spec.custom_tags.where = ctx.where
	end,
	policy_definition = function(def)
		local d = def["azure_attributes.availability"]
		if d then
			def["azure_attributes.availability"] = nil
			def["aws_attributes.availability"] = { type = d.type, value = (d.value:gsub("_AZURE$", "")) }
		end
		if def.node_type_id and def.node_type_id.values then
			for i, v in ipairs(def.node_type_id.values) do def.node_type_id.values[i] = nodes[v] or v end
		end
	end,
	storage_location = function(url) return (url:gsub("^abfss://([^@]+)@([^.]+)%.dfs%.core%.windows%.net", "s3://%2-%1")) end,
	path = function(p, ctx)
		if p == "/Users/bad@old.com/x" then return {} end
		return (p:gsub("^/Users/([^/@]+)@old%.com", "/Users/%1@new.com"))
	end,
	principal = function(name) return (name:gsub("@old%.com$", "@new.com")) end,
	job = function(job, ctx)
		-- runs after the hooks: sees their output
		job.settings.tags = job.settings.tags or {}
		job.settings.tags.first_node = job.settings.job_clusters and job.settings.job_clusters[1].new_cluster.node_type_id or "none"
	end,
	alert = function(obj, ctx)
		local f = lib[obj.display_name]
		if not f then error("no lib test named " .. tostring(obj.display_name)) end
		return f(obj, ctx)
	end,
}
