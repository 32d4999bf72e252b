-- rules/users.lua: the shipped principal mapping (see docs/RULES.md).
--
--   --var email_domain_from=contoso.com --var email_domain_to=contoso-aws.com
--       rewrites the domain of every user e-mail;
--   --var email_map=FILE.csv (lines old@x,new@y, no header)
--       maps single principals and wins over the domain rewrite.
--
-- Matching ignores case and the output is lower case, because SCIM
-- compares userName case-insensitively and stores what it is given: a
-- mixed-case name in the target would never match its ACL entries.
-- It runs through `principal` and `path`, so ACLs, owners, run_as,
-- notification lists, group members, /Users/<e-mail>/ homes and
-- /Repos/<e-mail>/ folders (and every path under them) follow the same
-- mapping.
-- Service principals (application id GUIDs) and names without "@" pass
-- through unchanged unless the CSV names them: an Azure application id
-- has no meaning on AWS, but only the operator knows the new one.

local vars = dbx.vars

local MAP = {}
if vars.email_map then
	for i, row in ipairs(dbx.csv(vars.email_map)) do
		if #row ~= 2 or row[1] == "" or row[2] == "" then
			error(("email_map %s: row %d: want 'old@x,new@y', got %d field(s)")
				:format(vars.email_map, i, #row))
		end
		local old = row[1]:lower()
		if MAP[old] and MAP[old] ~= row[2]:lower() then
			error(("email_map %s: row %d: '%s' is mapped twice (to '%s' and '%s')")
				:format(vars.email_map, i, row[1], MAP[old], row[2]:lower()))
		end
		MAP[old] = row[2]:lower()
	end
else
	dbx.log("no --var email_map: no single-address mapping")
end

local FROM, TO = vars.email_domain_from, vars.email_domain_to
if (FROM == nil) ~= (TO == nil) then
	error("--var email_domain_from and --var email_domain_to go together (got only "
		.. (FROM and "email_domain_from" or "email_domain_to") .. ")")
end
if FROM then
	FROM, TO = FROM:lower():gsub("^@", ""), TO:lower():gsub("^@", "")
	if FROM == "" or TO == "" or FROM:find("[@/%s]") or TO:find("[@/%s]") then
		error(("email_domain_from/email_domain_to must be bare domains, got '%s' and '%s'")
			:format(vars.email_domain_from, vars.email_domain_to))
	end
else
	dbx.log("no --var email_domain_from/email_domain_to: no domain rewrite")
end

-- map_name returns the new name, or nil when nothing applies.
local function map_name(name)
	if type(name) ~= "string" then return nil end
	local l = name:lower()
	if MAP[l] then return MAP[l] end
	if FROM then
		local user, domain = l:match("^([^@]+)@([^@]+)$")
		if user and domain == FROM then return user .. "@" .. TO end
	end
	return nil
end

local function principal(name, ctx)
	return map_name(name)
end

-- /Users/<name>/... and /Repos/<name>/... (also under /Workspace): the
-- home folder and the repos folder follow their owner.
local function path(p, ctx)
	if type(p) ~= "string" then return nil end
	local prefix, who, rest = p:match("^(/Workspace/%a+/)([^/]+)(.*)$")
	if not prefix then prefix, who, rest = p:match("^(/%a+/)([^/]+)(.*)$") end
	if not prefix or not (prefix:match("/Users/$") or prefix:match("/Repos/$")) then return nil end
	local m = map_name(who)
	if not m then return nil end
	return prefix .. m .. rest
end

return {
	principal = principal,
	path = path,
}
