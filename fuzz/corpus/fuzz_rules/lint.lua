return {
	lint = {
		{ key = "^azure_attributes$", message = "Azure attributes left" },
		{ value = "^Standard_[A-Z]", message = "Azure node type left" },
		{ value = "(a+)+$" },
	},
}
