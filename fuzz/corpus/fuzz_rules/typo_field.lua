return { jobb = function() end }
