-- mantle: the trusted Lua layer of the rule engine, compiled into dbxmig.
--
-- It owns the knowledge of the Databricks API's *shape* (never of a cloud):
-- where in each kind of object a cluster spec, a principal, a workspace
-- path, a policy definition or a storage location sits. It loads and checks
-- the tables rule files return, walks each object calling the user's hooks
-- at every location, then the kind handler, and records what changed
-- (audit), warnings, drops and lint findings. The C host (rules.c) gives it
-- `host` (helpers users never see) and the `dbx` table (to which it adds
-- dbx.warn and dbx.drop).
local host, dbx = ...

local type, pairs, ipairs, next, tostring, error, xpcall, pcall, select =
	type, pairs, ipairs, next, tostring, error, xpcall, pcall, select
-- Everything the mantle calls is taken here, before any rule file runs
-- (rules see read-only proxies of these tables anyway): no global lookup
-- and no string method call (the string metatable) at run time.
local sfind, smatch, sformat, ssub, sgmatch, srep, slower, sgsub =
	string.find, string.match, string.format, string.sub, string.gmatch, string.rep, string.lower, string.gsub
local tconcat, tsort = table.concat, table.sort
local mtype, mmin, mmax = math.type, math.min, math.max
local null, copy, is_array, array = dbx.null, dbx.copy, dbx.is_array, dbx.array
local jdecode, jencode, rcompile = dbx.json.decode, dbx.json.encode, dbx.re.compile
local setorder, traceback, limits, lint_scan = host.setorder, host.traceback, host.limits, host.lint_scan

local M = {}

-- ---------------------------------------------------------------------
-- What rule files may return.
local HOOKS = { "cluster_spec", "policy_definition", "storage_location", "path", "principal" }
local KINDS = {
	"user", "group", "service_principal", "instance_profile", "cluster_policy",
	"instance_pool", "cluster", "job", "pipeline", "notebook", "file", "directory",
	"library", "repo", "secret_scope", "global_init_script", "sql_warehouse",
	"query", "alert", "dashboard", "sql_dashboard", "catalog", "schema", "volume",
	"external_location", "storage_credential", "table", "hive_database",
}
local HOOK_SET, KIND_SET = {}, {}
for _, h in ipairs(HOOKS) do HOOK_SET[h] = true end
for _, k in ipairs(KINDS) do KIND_SET[k] = true end
local OTHER_FIELDS = { lint = true, target_cloud = true }
local CLOUDS = { aws = true, azure = true, gcp = true }

-- ---------------------------------------------------------------------
-- Where things sit. Patterns are dotted JSON paths: "[]" is every element
-- of an array, "*" every member of an object, "?cond" a condition on the
-- value or its parent (below). "" is the object itself.
local IN_SPEC = {
	storage_location = {
		"init_scripts[].abfss.destination", "init_scripts[].dbfs.destination",
		"init_scripts[].s3.destination", "init_scripts[].gcs.destination",
		"init_scripts[].volumes.destination", "cluster_log_conf.*.destination",
	},
	path = { "init_scripts[].workspace.destination" },
	principal = { "single_user_name" },
}
local UC_PRINCIPALS = { "owner", "grants[].principal" }
local SQL_OWNERS = { "owner", "owner_user_name", "creator_name" }
local LOCATIONS = {
	cluster = {
		cluster_spec = { "" },
		principal = { "creator_user_name" },
	},
	job = {
		cluster_spec = { "settings.job_clusters[].new_cluster", "settings.tasks[].new_cluster", "settings.new_cluster" },
		principal = {
			"creator_user_name", "run_as_user_name", "settings.run_as.user_name",
			"settings.run_as.service_principal_name", "settings.email_notifications.*[]",
			"settings.tasks[].email_notifications.*[]",
		},
		path = {
			"settings.tasks[].notebook_task.notebook_path?ws", "settings.notebook_task.notebook_path?ws",
			"settings.tasks[].spark_python_task.python_file?ws", "settings.spark_python_task.python_file?ws",
		},
	},
	-- the pipelines get shape: the settings are under "spec"
	pipeline = {
		cluster_spec = { "spec.clusters[]" },
		principal = { "creator_user_name", "run_as_user_name",
			"spec.notifications[].email_recipients[]" },
		path = { "spec.libraries[].notebook.path?ws", "spec.libraries[].file.path?ws",
			"spec.root_path?ws" },
		storage_location = { "spec.storage", "spec.configuration.*?url" },
	},
	user = { principal = { "userName", "emails[].value" } },
	group = { principal = { "members[].display?user" } },
	secret_scope = { principal = { "acls[].principal" } },
	notebook = { path = { "path" } },
	file = { path = { "path" } },
	directory = { path = { "path" } },
	repo = { path = { "path" } },
	cluster_policy = { policy_definition = { "definition" } },
	sql_warehouse = { principal = SQL_OWNERS },
	query = { principal = { "owner_user_name", "last_modifier_user_name" }, path = { "parent_path?ws" } },
	alert = { principal = SQL_OWNERS, path = { "parent_path?ws" } },
	dashboard = { principal = SQL_OWNERS, path = { "parent_path?ws", "path?ws" } },
	sql_dashboard = { principal = { "user.email" } },
	-- Unity Catalog: "grants" is export's read of the securable's
	-- permissions (privilege_assignments)
	catalog = { storage_location = { "storage_root", "storage_location" }, principal = UC_PRINCIPALS },
	schema = { storage_location = { "storage_root", "storage_location" }, principal = UC_PRINCIPALS },
	table = { storage_location = { "storage_location" }, principal = UC_PRINCIPALS },
	volume = { storage_location = { "storage_location" }, principal = UC_PRINCIPALS },
	external_location = { storage_location = { "url" }, principal = UC_PRINCIPALS },
	storage_credential = { principal = UC_PRINCIPALS },
	-- the Hive metastore: a database and its tables' paths (the DDL
	-- holds none: import adds LOCATION from these)
	hive_database = { storage_location = { "location", "tables[].location" } },
}
-- In every kind: permissions fetched by export.
local EVERYWHERE = {
	principal = { "access_control_list[].user_name", "access_control_list[].service_principal_name" },
}

local CONDS = {
	-- a workspace path, not dbfs:/, s3:// or a path relative to a Git repo
	ws = function(_, value) return ssub(value, 1, 1) == "/" end,
	-- a storage URL (scheme://...), not any configuration value
	url = function(_, value) return type(value) == "string" and sfind(value, "^%a[%w+.-]*://") ~= nil end,
	-- a SCIM group member that is a user
	user = function(parent) local r = parent["$ref"]; return type(r) == "string" and ssub(r, 1, 6) == "Users/" end,
}

local function parse_loc(text)
	local base, cond = smatch(text, "^(.-)%?(%w+)$")
	if base then text = base end
	local segs = {}
	for part in sgmatch(text, "[^.]+") do
		local name = smatch(part, "^(.*)%[%]$")
		if name then
			if name ~= "" then segs[#segs + 1] = name end
			segs[#segs + 1] = "[]"
		else
			segs[#segs + 1] = part
		end
	end
	return { segs = segs, cond = cond and CONDS[cond], text = text }
end

-- LOC[kind][hook] = list of parsed locations, specs' insides included.
local LOC = {}
do
	local function add(t, hook, text)
		local l = t[hook] or {}
		t[hook] = l
		l[#l + 1] = parse_loc(text)
	end
	local all = {}
	for _, k in ipairs(KINDS) do all[k] = true end
	for k in pairs(LOCATIONS) do all[k] = true end
	for k in pairs(all) do
		local t, spec = {}, LOCATIONS[k] or {}
		for _, hook in ipairs(HOOKS) do
			for _, p in ipairs(spec[hook] or {}) do add(t, hook, p) end
			for _, p in ipairs(EVERYWHERE[hook] or {}) do add(t, hook, p) end
		end
		for _, sp in ipairs(spec.cluster_spec or {}) do
			for hook, list in pairs(IN_SPEC) do
				for _, p in ipairs(list) do add(t, hook, sp == "" and p or (sp .. "." .. p)) end
			end
		end
		LOC[k] = t
	end
end

-- TRIE[kind][hook]: the locations merged into a trie, so that a shared
-- prefix (settings.job_clusters[].new_cluster) is walked once. A node:
-- { seg, piece (its part of the JSON path), kids = {in insertion order},
--   leaf = true when a location ends here, cond }.
local TRIE = {}
do
	local function piece(seg)
		if seg == "" or sfind(seg, '[%.%[%]"%s]') then return '["' .. seg .. '"]' end
		return "." .. seg
	end
	for k, hooks in pairs(LOC) do
		local t = {}
		for hook, list in pairs(hooks) do
			local root = { kids = {}, byseg = {} }
			for _, l in ipairs(list) do
				local node = root
				for _, seg in ipairs(l.segs) do
					local c = node.byseg[seg]
					if not c then
						c = { seg = seg, piece = piece(seg), kids = {}, byseg = {} }
						node.byseg[seg] = c
						node.kids[#node.kids + 1] = c
					end
					node = c
				end
				node.leaf, node.cond = true, l.cond
			end
			t[hook] = root
		end
		TRIE[k] = t
	end
end

-- Identity of an object for messages.
local ID_FIELD = {
	job = "job_id", cluster = "cluster_id", instance_pool = "instance_pool_id",
	cluster_policy = "policy_id", pipeline = "pipeline_id", notebook = "object_id",
	file = "object_id", directory = "object_id", global_init_script = "script_id",
	instance_profile = "instance_profile_arn", secret_scope = "name",
}
local NAME_FIELD = {
	cluster = "cluster_name", instance_pool = "instance_pool_name", user = "userName",
	group = "displayName", service_principal = "displayName", notebook = "path",
	file = "path", directory = "path", repo = "path", sql_warehouse = "name",
	cluster_policy = "name", query = "display_name", alert = "display_name", dashboard = "display_name",
	catalog = "name", pipeline = "name", global_init_script = "name", sql_dashboard = "name",
	schema = "full_name", table = "full_name", volume = "full_name",
	external_location = "name", storage_credential = "name", hive_database = "name",
}
local WS_TYPES = { NOTEBOOK = "notebook", FILE = "file", DIRECTORY = "directory", REPO = "repo", LIBRARY = "library" }

local function singular(kind, obj)
	if (kind == "workspace" or kind == "notebook" or kind == "file" or kind == "directory")
		and type(obj) == "table" and WS_TYPES[obj.object_type] then
		return WS_TYPES[obj.object_type]
	end
	return kind
end

local function name_of(kind, obj)
	if type(obj) ~= "table" then return nil end
	local v
	if kind == "job" then
		v = type(obj.settings) == "table" and obj.settings.name or nil
	elseif NAME_FIELD[kind] then
		v = obj[NAME_FIELD[kind]]
		if v == nil and kind == "alert" then v = obj.name end
	else
		v = obj.name or obj.display_name or obj.displayName
	end
	if type(v) == "string" then return v end
	return nil
end

local function id_of(kind, obj)
	if type(obj) ~= "table" then return nil end
	local v = obj[ID_FIELD[kind] or "id"]
	if type(v) == "string" or type(v) == "number" then return v end
	return nil
end

local function idstr(v)
	if mtype(v) == "float" and v == v // 1 and v < 2^63 and v > -2^63 then return sformat("%d", v) end
	return tostring(v)
end

local function describe(ctx)
	local id = ctx.id
	if id == nil or id == null then id = ctx.key end
	local s = ctx.kind .. (id ~= nil and id ~= null and (" " .. idstr(id)) or "")
	if ctx.name then s = s .. ' ("' .. ctx.name .. '")' end
	return s
end

local function join(path, k)
	if type(k) == "number" then return path .. "[" .. (k - 1) .. "]" end
	if k == "" or sfind(k, '[%.%[%]"%s]') then return path .. '["' .. k .. '"]' end
	if path == "" then return k end
	return path .. "." .. k
end

local function sorted_keys(t)
	local keys = {}
	for k in next, t do keys[#keys + 1] = k end
	tsort(keys, function(a, b)
		local ta, tb = type(a), type(b)
		if ta ~= tb then return ta < tb end
		return a < b
	end)
	return keys
end

-- ---------------------------------------------------------------------
-- JSON value comparison and diff (numbers: 1 and 1.0 differ).
local function equal(a, b)
	local ta = type(a)
	if ta ~= type(b) then return false end
	if ta == "number" then return a == b and mtype(a) == mtype(b) end
	if ta ~= "table" then return a == b end
	if a == b then return true end
	if is_array(a) ~= is_array(b) then return false end
	local n = 0
	for k, v in next, a do
		n = n + 1
		local w = b[k]
		if w == nil or not equal(v, w) then return false end
	end
	for _ in next, b do n = n - 1 end
	return n == 0
end
M.equal = equal

-- Appends {path, before, after} for each difference; a and b must differ
-- (not equal(a, b)). Unchanged subtrees are compared once, never walked
-- with paths: most of an object does not change.
local function diff_into(out, a, b, path)
	if type(a) == "table" and type(b) == "table" then
		local arr = is_array(a)
		if arr == is_array(b) then
			if arr then
				if #a == #b then
					for i = 1, #a do
						if not equal(a[i], b[i]) then diff_into(out, a[i], b[i], path .. "[" .. (i - 1) .. "]") end
					end
					return
				end
			else
				for k, v in next, a do
					local w = b[k]
					if w == nil then
						out[#out + 1] = { path = join(path, k), before = v }
					elseif not equal(v, w) then
						diff_into(out, v, w, join(path, k))
					end
				end
				for k, w in next, b do
					if a[k] == nil then out[#out + 1] = { path = join(path, k), after = w } end
				end
				return
			end
		end
	end
	out[#out + 1] = { path = path, before = a, after = b }
end

local function by_path(x, y) return x.path < y.path end

-- The differences between a and b, sorted by path.
local function diff(a, b, path)
	local out = {}
	if not equal(a, b) then
		diff_into(out, a, b, path)
		if #out > 1 then tsort(out, by_path) end
	end
	return out
end

local function show(v)
	if v == nil then return "(absent)" end
	local ok, s = pcall(jencode, v)
	if not ok then return "<" .. type(v) .. ">" end
	if #s > 300 then s = ssub(s, 1, 297) .. "..." end
	return s
end

-- ---------------------------------------------------------------------
-- Loading rule files.
local FILES = {}
local LINT_KEY, LINT_VALUE = {}, {}
-- One alternation of every pattern of a list: most strings match none, and
-- one regex call tells so.
local LINT_KEY_ANY, LINT_VALUE_ANY

local function any_of(list)
	if #list == 0 then return nil end
	if #list == 1 then return list[1].rx end
	local parts = {}
	for i, e in ipairs(list) do parts[i] = "(?:" .. e.pattern .. ")" end
	local ok, rx = pcall(rcompile, tconcat(parts, "|"))
	-- patterns that cannot be combined (back references): no prefilter
	return ok and rx or rcompile("")
end

local function distance(a, b)
	local la, lb = #a, #b
	if la == 0 then return lb end
	if lb == 0 then return la end
	local prev, cur = {}, {}
	for j = 0, lb do prev[j] = j end
	for i = 1, la do
		cur[0] = i
		for j = 1, lb do
			local cost = ssub(a, i, i) == ssub(b, j, j) and 0 or 1
			cur[j] = mmin(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost)
		end
		prev, cur = cur, prev
	end
	return prev[lb]
end

local function did_you_mean(name)
	local best, bd = nil, 1e9
	local function try(c)
		local d = distance(slower(name), c)
		if d < bd then best, bd = c, d end
	end
	for _, h in ipairs(HOOKS) do try(h) end
	for _, k in ipairs(KINDS) do try(k) end
	for k in pairs(OTHER_FIELDS) do try(k) end
	if best and bd <= mmax(2, #name // 3) then return " (did you mean '" .. best .. "'?)" end
	return ""
end

-- M.add_file(path, value): checks what a rule file returned; returns nil
-- or an error message "path: why".
function M.add_file(path, t)
	if type(t) ~= "table" then
		return path .. ": a rule file must return a table (it returned " .. (t == nil and "nothing" or ("a " .. type(t))) .. ")"
	end
	local f = { path = path, hooks = {}, handlers = {}, target_cloud = nil }
	for _, k in ipairs(sorted_keys(t)) do
		local v = t[k]
		if type(k) ~= "string" then
			return path .. ": the returned table has a " .. type(k) .. " key (" .. tostring(k) .. "); only named fields are allowed"
		elseif HOOK_SET[k] or KIND_SET[k] then
			if type(v) ~= "function" then
				return path .. ": '" .. k .. "' must be a function (got a " .. type(v) .. ")"
			end
			if HOOK_SET[k] then f.hooks[k] = v else f.handlers[k] = v end
		elseif k == "target_cloud" then
			if type(v) ~= "string" or not CLOUDS[v] then
				return path .. ": target_cloud must be \"aws\", \"azure\" or \"gcp\" (got " .. show(v) .. ")"
			end
			f.target_cloud = v
		elseif k == "lint" then
			if type(v) ~= "table" then return path .. ": lint must be a list of {key=PCRE or value=PCRE, message=...}" end
			for i = 1, #v do
				local e = v[i]
				local where = path .. ": lint[" .. i .. "]"
				if type(e) ~= "table" then return where .. ": must be a table {key=PCRE or value=PCRE, message=...}" end
				for ek in pairs(e) do
					if ek ~= "key" and ek ~= "value" and ek ~= "message" then
						return where .. ": unknown field '" .. tostring(ek) .. "' (use key, value, message)"
					end
				end
				if (e.key == nil) == (e.value == nil) then return where .. ": give exactly one of key= or value=" end
				if type(e.message) ~= "string" then return where .. ": message must be a string" end
				local pat = e.key or e.value
				if type(pat) ~= "string" then return where .. ": the pattern must be a string" end
				local ok, rx = pcall(rcompile, pat)
				if not ok then return where .. ": " .. sgsub(tostring(rx), "^[^\n]-:%d+: ", "") end
				local list = e.key and LINT_KEY or LINT_VALUE
				list[#list + 1] = { rx = rx, pattern = pat, message = e.message, file = path }
			end
		else
			return path .. ": unknown field '" .. k .. "' in the returned table" .. did_you_mean(k)
		end
	end
	FILES[#FILES + 1] = f
	LINT_KEY_ANY, LINT_VALUE_ANY = any_of(LINT_KEY), any_of(LINT_VALUE)
	return nil
end

-- ---------------------------------------------------------------------
-- Per-object state and the calls into user code.
local S	-- { ctx, file, warnings, audit, drop, drop_file }

function dbx.warn(msg)
	if not S then error("dbx.warn: only inside a handler or hook", 2) end
	S.warnings[#S.warnings + 1] = { file = S.file, where = S.ctx.where, message = tostring(msg) }
end

function dbx.drop(reason)
	if not S then error("dbx.drop: only inside a handler or hook", 2) end
	if type(reason) ~= "string" or reason == "" then error("dbx.drop: give the reason as a non-empty string", 2) end
	S.drop, S.drop_file = reason, S.file
end

local FAIL = {}	-- marks errors already formatted

local function format_error(text, tb)
	local ctx = S.ctx
	local d = describe(ctx)
	if ctx.where and ctx.where ~= "" then d = d .. ", " .. ctx.where end
	local pos, rest = smatch(text, "^([^\n:]+:%d+): (.*)$")
	local out
	if pos then out = pos .. ": " .. d .. ": " .. rest else out = S.file .. ": " .. d .. ": " .. text end
	if tb and tb ~= "" then out = out .. "\n" .. tb end
	return out
end

local function on_error(e)
	if type(e) == "table" and e[FAIL] then return e end
	local text
	if type(e) == "string" then text = e
	elseif type(e) == "number" then text = tostring(e)
	else text = "(error object is a " .. type(e) .. " value)" end
	return { text = text, tb = traceback() }
end

local function fail(text, tb)
	error({ [FAIL] = format_error(text, tb) }, 0)
end

local function call(fn, a)
	local ok, r = xpcall(fn, on_error, a, S.ctx)
	if ok then return r end
	if type(r) == "table" then
		if r[FAIL] then error(r, 0) end
		fail(r.text, r.tb)
	end
	-- memory errors skip the handler
	local insn, mem, mem_hit = limits()
	if mem_hit then
		fail("memory limit of " .. mem .. " MB exceeded (--rule-memory)")
	end
	fail(tostring(r))
end

local AUDIT_KEYS = { "kind", "key", "file", "hook", "path", "before", "after" }
local WARN_KEYS = { "key", "kind", "file", "where", "message" }
local DROP_KEYS = { "key", "kind", "file", "reason" }

local function audit(hook, path, before, after)
	local a = S.audit
	if type(after) == "table" then after = copy(after) end
	local ctx = S.ctx
	a[#a + 1] = setorder({ kind = ctx.kind, key = S.key, file = S.file, hook = hook, path = path, before = before, after = after }, AUDIT_KEYS)
end

local function audit_diff(hook, before, after, where)
	local out = diff(before, after, where)
	for _, d in ipairs(out) do audit(hook, d.path, d.before, d.after) end
end

-- The walk: calls visit(parent, key, value, where) at each location.
local ROOT	-- the object being walked (a cluster_spec at "" may replace it)
local V_HOOK, V_FN

-- The path pieces on the way to the current location; the path string is
-- built only where a hook is called.
local WP = {}
local function wpath(n)
	if n == 0 then return "" end
	local p = tconcat(WP, "", 1, n)
	if ssub(p, 1, 1) == "." then p = ssub(p, 2) end
	return p
end

local function visit_scalar(parent, key, value, depth, cond)
	if type(value) ~= "string" then return end
	if cond and not cond(parent, value) then return end
	local where = wpath(depth)
	S.ctx.where = where
	local r = call(V_FN, value)
	if r == nil then return end
	if type(r) ~= "string" then
		fail("the " .. V_HOOK .. " hook returned a " .. type(r) .. " (expected a string or nil)")
	end
	if r ~= value then
		parent[key] = r
		audit(V_HOOK, where, value, r)
	end
end

local function visit_spec(parent, key, value, depth)
	if type(value) ~= "table" or is_array(value) then return end
	local where = wpath(depth)
	S.ctx.where = where
	local before = copy(value)
	local r = call(V_FN, value)
	if r ~= nil then
		if type(r) ~= "table" then
			fail("the cluster_spec hook returned a " .. type(r) .. " (expected a table or nil)")
		end
		value = r
		if parent then parent[key] = r else ROOT = r end
	end
	audit_diff("cluster_spec", before, value, where)
end

local function visit_policy(parent, key, value, depth)
	if type(value) ~= "string" then return end
	local where = wpath(depth)
	S.ctx.where = where
	local ok, def = pcall(jdecode, value)
	if not ok then fail(where .. " is not valid JSON: " .. sgsub(tostring(def), "^[^\n]-:%d+: ", "")) end
	if type(def) ~= "table" then return end
	local before = copy(def)
	local r = call(V_FN, def)
	if r ~= nil then
		if type(r) ~= "table" then
			fail("the policy_definition hook returned a " .. type(r) .. " (expected a table or nil)")
		end
		def = r
	end
	if not equal(before, def) then
		local eok, s = pcall(jencode, def)
		if not eok then fail("the policy definition cannot be encoded: " .. sgsub(tostring(s), "^[^\n]-:%d+: ", "")) end
		parent[key] = s
		audit_diff("policy_definition", before, def, where)
	end
end

local function twalk(tn, node, depth, visit, parent, key)
	if tn.leaf then
		visit(parent, key, node, depth, tn.cond)
		if parent then node = parent[key] else node = ROOT end
	end
	if type(node) ~= "table" then return end
	local kids = tn.kids
	for ci = 1, #kids do
		local c = kids[ci]
		local s = c.seg
		local d = depth + 1
		if s == "[]" then
			if is_array(node) then
				for j = 1, #node do
					WP[d] = "[" .. (j - 1) .. "]"
					twalk(c, node[j], d, visit, node, j)
				end
			end
		elseif s == "*" then
			if not is_array(node) then
				local keys = {}
				for k in next, node do if type(k) == "string" then keys[#keys + 1] = k end end
				tsort(keys)
				for ki = 1, #keys do
					local k = keys[ki]
					WP[d] = (k == "" or sfind(k, '[%.%[%]"%s]')) and ('["' .. k .. '"]') or ("." .. k)
					twalk(c, node[k], d, visit, node, k)
				end
			end
		else
			local child = node[s]
			if child ~= nil then
				WP[d] = c.piece
				twalk(c, child, d, visit, node, s)
			end
		end
	end
end

local VISIT = {
	cluster_spec = visit_spec, policy_definition = visit_policy,
	storage_location = visit_scalar, path = visit_scalar, principal = visit_scalar,
}

-- The paths (lint_scan's spelling: a.b[0].c) of the elements inside V a
-- rule marked manual (a Hive table on unmapped storage): import does not
-- write them, so their leftovers are not findings, as for a whole object.
local function manual_paths(v, path, out)
	for k, x in pairs(v) do
		if type(x) == "table" then
			local p = mtype(k) == "integer" and (path .. "[" .. (k - 1) .. "]")
				or (path == "" and tostring(k) or path .. "." .. tostring(k))
			if type(x.manual) == "string" then out[#out + 1] = p else manual_paths(x, p, out) end
		end
	end
	return out
end

local function under(path, prefixes)
	for _, p in ipairs(prefixes) do
		if path == p or ssub(path, 1, #p + 1) == p .. "." then return true end
	end
	return false
end

local function lint(kind, key, obj, lines)
	if #LINT_KEY == 0 and #LINT_VALUE == 0 then return end
	local out, skip = {}, manual_paths(obj, "", {})
	for _, c in ipairs(lint_scan(obj, LINT_KEY_ANY, LINT_VALUE_ANY)) do
		for _, e in ipairs(not under(c.path, skip) and (c.key and LINT_KEY or LINT_VALUE) or {}) do
			if e.rx:match(c.s) then out[#out + 1] = { path = c.path, message = e.message } end
		end
	end
	tsort(out, function(a, b)
		if a.path ~= b.path then return a.path < b.path end
		return a.message < b.message
	end)
	for _, f in ipairs(out) do
		lines[#lines + 1] = kind .. " " .. tostring(key) .. " " .. (f.path == "" and "(object)" or f.path) .. ": " .. f.message
	end
end

-- ---------------------------------------------------------------------
local function ordered(t, keys)
	setorder(t, keys)
	return t
end

local function make_diff(result, color)
	local red, green, dim, reset = "", "", "", ""
	if color then red, green, dim, reset = "\27[31m", "\27[32m", "\27[2m", "\27[0m" end
	local lines = { result.desc }
	for _, a in ipairs(result.audit) do
		local src = dim .. "   (" .. a.file .. " " .. a.hook .. ")" .. reset
		local p = a.path == "" and "(object)" or a.path
		if a.before ~= nil then lines[#lines + 1] = red .. "  - " .. p .. ": " .. show(a.before) .. reset end
		if a.after ~= nil then lines[#lines + 1] = green .. "  + " .. p .. ": " .. show(a.after) .. reset end
		lines[#lines] = lines[#lines] .. src
	end
	if result.drop then lines[#lines + 1] = red .. "  dropped: " .. result.drop .. reset .. dim .. "   (" .. result.drop_file .. ")" .. reset end
	for _, w in ipairs(result.warnings) do
		lines[#lines + 1] = "  warning: " .. (w.where ~= "" and (w.where .. ": ") or "") .. w.message .. dim .. "   (" .. w.file .. ")" .. reset
	end
	return tconcat(lines, "\n") .. "\n"
end

-- M.process(kind, rec, flags): rec is a session record {key, id, object}
-- or (flags.case) a rule test case {kind, object, ctx}. Returns a result
-- table, or nil and the formatted error message.
function M.process(kind, rec, opts)
	if type(rec) ~= "table" or is_array(rec) then return nil, "the record is not a JSON object" end
	local obj = rec.object
	if opts.case then
		kind = rec.kind
		if type(kind) ~= "string" then return nil, "the case has no \"kind\" (a string such as \"job\")" end
	end
	if type(obj) ~= "table" or is_array(obj) then return nil, "the record has no \"object\" (a JSON object)" end
	if opts.case and not KIND_SET[kind] and kind ~= "workspace" then
		return nil, "the case's kind '" .. kind .. "' is not a rule kind" .. did_you_mean(kind)
	end
	local skind = singular(kind, obj)
	local rctx = opts.case and type(rec.ctx) == "table" and rec.ctx or {}
	local ctx = {
		kind = skind,
		key = rec.key ~= nil and rec.key or rctx.key,
		id = (rec.id ~= nil and rec.id ~= null) and rec.id or (rctx.id or id_of(skind, obj)),
		name = rctx.name or name_of(skind, obj),
		source_cloud = rctx.source_cloud or opts.source_cloud,
		target_cloud = rctx.target_cloud or opts.target_cloud,
		where = "",
		file = "",
	}
	if ctx.key == nil then ctx.key = ctx.id ~= nil and idstr(ctx.id) or (ctx.name or "") end
	local key = ctx.key
	local state = { ctx = ctx, file = "", warnings = {}, audit = {}, key = type(key) == "string" and key or idstr(key) }
	local src_path = obj.path
	local result
	S = state
	local ok, err = pcall(function()
		if opts.lint_only then return end
		for _, f in ipairs(FILES) do
			state.file, ctx.file = f.path, f.path
			ctx.target_cloud = f.target_cloud or rctx.target_cloud or opts.target_cloud
			local tries = TRIE[skind] or {}
			for hi = 1, #HOOKS do
				local hook = HOOKS[hi]
				local fn, trie = f.hooks[hook], tries[hook]
				if fn and trie then
					V_HOOK, V_FN = hook, fn
					ROOT = obj
					twalk(trie, obj, 0, VISIT[hook], nil, nil)
					obj = ROOT
				end
			end
			local h = f.handlers[skind]
			if h then
				ctx.where = ""
				local before = copy(obj)
				local r = call(h, obj)
				if r ~= nil then
					if type(r) ~= "table" or is_array(r) then
						fail("the " .. skind .. " handler returned a " .. (type(r) == "table" and "list" or type(r)) .. " (expected a table or nil)")
					end
					obj = r
				end
				audit_diff(skind, before, obj, "")
			end
			if state.drop then break end
		end
	end)
	S = nil
	V_FN, ROOT = nil, nil
	if not ok then
		if type(err) == "table" and err[FAIL] then return nil, err[FAIL] end
		S = state
		local msg = format_error(tostring(err))
		S = nil
		return nil, msg
	end
	result = {
		key = state.key,
		desc = describe(ctx),
		object = obj,
		warnings = {},
		audit = {},
		lint = {},
		drop = state.drop,
		drop_file = state.drop_file,
	}
	for _, w in ipairs(state.warnings) do
		result.warnings[#result.warnings + 1] = ordered({ key = result.key, kind = skind, file = w.file, where = w.where, message = w.message }, WARN_KEYS)
	end
	result.audit = state.audit
	if state.drop then
		result.dropped = ordered({ key = result.key, kind = skind, file = state.drop_file, reason = state.drop }, DROP_KEYS)
	elseif not opts.no_lint and type(obj.manual) ~= "string" then
		-- an object marked manual is not written by import (its note
		-- says what to do instead): its leftovers are not findings
		lint(skind, result.key, obj, result.lint)
	end
	if not opts.case and not opts.lint_only then
		rec.object = obj
		if (skind == "notebook" or skind == "file") and type(src_path) == "string" then rec.source_path = src_path end
	end
	result.record = rec
	if opts.diff then result.diff = make_diff(result, opts.color) end
	return result
end

-- Strings that both hold JSON objects (a cluster policy's definition)
-- compare as the values they encode, so cases need not match the spacing.
local function unjson_pairs(a, b)
	if type(a) == "string" and type(b) == "string" then
		if a ~= b and ssub(a, 1, 1) == "{" and ssub(b, 1, 1) == "{" then
			local oka, va = pcall(jdecode, a)
			local okb, vb = pcall(jdecode, b)
			if oka and okb then return va, vb end
		end
		return a, b
	end
	if type(a) ~= "table" or type(b) ~= "table" or is_array(a) ~= is_array(b) then return a, b end
	local ca, cb = copy(a), copy(b)
	for k, v in next, ca do
		if cb[k] ~= nil then ca[k], cb[k] = unjson_pairs(v, cb[k]) end
	end
	return ca, cb
end

-- M.compare(got, expected): nil when equal, else the first difference.
function M.compare(got, expected)
	expected, got = unjson_pairs(expected, got)
	local out = diff(expected, got, "")
	if #out == 0 then return nil end
	local d = out[1]
	local p = d.path == "" and "(object)" or d.path
	local more = #out > 1 and sformat(" (and %d more difference%s)", #out - 1, #out > 2 and "s" or "") or ""
	return p .. ": got " .. show(d.after) .. ", expected " .. show(d.before) .. more
end

return M
