using Gateway.Craft.Worker;

// Frames go to the real stdout; anything else that writes to the console goes to stderr, so it cannot break a frame.
var output = Console.OpenStandardOutput();
Console.SetOut(Console.Error);
return WorkerLoop.Run(Console.OpenStandardInput(), output);
