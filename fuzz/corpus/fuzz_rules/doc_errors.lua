return {
	cluster_spec = function(spec)
		if spec.node_type_id == "Standard_X" then error("unknown node type 'Standard_X'") end
	end,
}
