local map = {}
for _, row in ipairs(dbx.csv("library.csv")) do map[row[1]] = row[2] end
local azure = dbx.re.compile("^standard_", "i")

return {
	cluster = function(c)
		c.node_type_id = map[c.node_type_id] or c.node_type_id
		c.was_azure = azure:match(c.driver_node_type_id) ~= nil
		c.family = dbx.re.match(c.driver_node_type_id, "^Standard_([A-Z]+)\\d")
		c.spark_conf = dbx.array()
		c.env = dbx.vars.env or "none"
		c.autotermination_minutes = dbx.json.decode('{"n": 30}').n
		if c.cluster_name:find("^tmp") then dbx.drop("temporary cluster") end
	end,
}
