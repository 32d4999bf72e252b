-- fixtures/rules/sandbox/sandbox.lua: one probe per sandbox restriction.
-- The job handler runs the probe named by the job's settings.name; each
-- case beside this file pins the error a rule author sees.
local probe = {
	io = function() return io.open("/etc/passwd") end,
	os = function() return os.getenv("HOME") end,
	package = function() return package.loaded end,
	debug = function() return debug.getinfo(1) end,
	load = function() return load("return 1") end,
	loadstring = function() return loadstring("return 1") end,
	dofile = function() return dofile("/etc/passwd") end,
	loadfile = function() return loadfile("/etc/passwd") end,
	require = function() return require("os") end,
	collectgarbage = function() return collectgarbage("count") end,
	coroutine = function() return coroutine.create(print) end,
	string_dump = function() return string.dump(print) end,
	string_metatable = function() return getmetatable("").__index end,
	global_read = function() return undeclared_thing end,
	global_write = function() new_global = 1 end,
	global_replace = function() print = nil end,
	rawset_G = function() rawset(_G, "x", 1) end,
	G_metatable = function() setmetatable(_G, nil) end,
	vars_readonly = function() dbx.vars.node_type_map = "x.csv" end,
	instructions = function() while true do end end,
	instructions_pcall = function() pcall(function() while true do end end) end,
	-- a message handler that loops is not re-entered with a fresh budget
	instructions_xpcall_handler = function() xpcall(error, function() while true do end end) end,
	-- a finalizer would run outside any limit (between calls, at close)
	gc_metamethod = function() setmetatable({}, { __gc = function() while true do end end }) end,
	memory = function() local t = {} for i = 1, 1e9 do t[i] = string.rep("x", 100) .. i end end,
	memory_pcall = function() pcall(function() local t = {} for i = 1, 1e9 do t[i] = {} end end) end,
	recursion = function() local function f(n) return 1 + f(n + 1) end return f(1) end,
	-- what stays allowed
	allowed = function(obj)
		local ok, e = pcall(error, "caught")
		obj.pcall_ok = not ok and e == "caught"
		obj.string = string.format("%s-%d", "a", 1)
		obj.table = table.concat({ "a", "b" }, ",")
		obj.math = math.max(1, 2)
		obj.utf8 = utf8.len("héllo")
		obj.select = select("#", 1, 2, 3)
		obj.G_is_proxy = _G.dbx == dbx
		obj.tostring = tostring(12)
		obj.pairs_vars = 0
		for _ in pairs(dbx.vars) do obj.pairs_vars = obj.pairs_vars + 1 end
	end,
}

return {
	job = function(job)
		local f = probe[job.settings.name]
		if not f then error("no probe " .. tostring(job.settings.name)) end
		return f(job)
	end,
}
