// ModelIO
