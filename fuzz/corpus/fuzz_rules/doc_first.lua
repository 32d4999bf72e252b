-- rules/first.lua: map one Azure node type and the owner's e-mail domain.
local NODES = { Standard_DS3_v2 = "m5d.xlarge" }

return {
	cluster_spec = function(spec, ctx)
		if spec.node_type_id then
			spec.node_type_id = NODES[spec.node_type_id]
				or error("unknown node type '" .. spec.node_type_id .. "'")
		end
	end,
	principal = function(name) return (name:gsub("@contoso%.com$", "@contoso-aws.com")) end,
}
